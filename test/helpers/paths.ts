// Where the tests find things: the checkout, the cache of built snapshots, the venv.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE = path.join(ROOT, '.cache', 'test');
export const SNAPSHOTS = path.join(CACHE, 'snapshots');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const BIN = path.join(ROOT, 'bin', 'rehearse');
export const PYTHON = process.env.REHEARSE_TEST_PYTHON ?? path.join(ROOT, '.cache', 'venv', 'bin', 'python');
