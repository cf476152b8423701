// Snapshot detection reads the content: real dumps made by pg_dump in every format.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { detectSnapshot, parseArchiveHeader } from '../../src/snapshot/detect.js';
import { CannotRehearseError, UsageError } from '../../src/errors.js';
import { SNAPSHOTS } from '../helpers/paths.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-detect-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('detectSnapshot', () => {
  it.each([
    ['base.dump', 'custom'],
    ['base.dir', 'directory'],
    ['base.tar', 'tar'],
    ['base.sql', 'plain'],
    ['base.sql.gz', 'plain-gzip'],
  ])('%s is %s, dumped from 15.x', async (file, format) => {
    const info = await detectSnapshot(path.join(SNAPSHOTS, file));
    expect(info.format).toBe(format);
    expect(info.serverVersion).toMatch(/^15\.\d+$/);
    expect(info.serverMajor).toBe(15);
    expect(info.bytes).toBeGreaterThan(1000);
  });

  it('reads the server version straight from a custom archive header', () => {
    expect(parseArchiveHeader(readFileSync(path.join(SNAPSHOTS, 'base.dump')))).toMatch(/^15\.\d+/);
    expect(parseArchiveHeader(Buffer.from('not a dump'))).toBeUndefined();
  });

  it('a missing file is a usage error', async () => {
    await expect(detectSnapshot(path.join(scratch, 'none'))).rejects.toBeInstanceOf(UsageError);
  });

  it('an empty file, random bytes or gzip of non-SQL cannot be rehearsed', async () => {
    const empty = path.join(scratch, 'empty');
    writeFileSync(empty, '');
    await expect(detectSnapshot(empty)).rejects.toBeInstanceOf(CannotRehearseError);
    const junk = path.join(scratch, 'junk');
    writeFileSync(junk, Buffer.from([0, 159, 146, 150, 1, 2, 3]));
    await expect(detectSnapshot(junk)).rejects.toThrow(/not a pg_dump snapshot/);
    const gz = path.join(scratch, 'junk.gz');
    writeFileSync(gz, gzipSync(Buffer.from([0, 1, 2, 3, 4, 200, 201])));
    await expect(detectSnapshot(gz)).rejects.toThrow(/does not hold a SQL dump/);
  });

  it('a directory without toc.dat is a usage error', async () => {
    await expect(detectSnapshot(scratch)).rejects.toThrow(/not a pg_dump -Fd archive/);
  });
});
