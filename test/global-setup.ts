// Once per test run: the Python venv with Django, and the snapshots.
import { execa } from 'execa';
import path from 'node:path';
import { ROOT } from './helpers/paths.js';
import { buildSnapshots } from './helpers/snapshots.js';

export default async function setup(): Promise<void> {
  if (!process.env.REHEARSE_TEST_PYTHON) await execa(path.join(ROOT, 'scripts', 'ensure-venv.sh'), [], { stdio: 'inherit' });
  await buildSnapshots();
}
