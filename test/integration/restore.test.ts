// Restore: every pg_dump format, detected from content; production roles and
// grants skipped; corrupt, truncated and too-new dumps refused with exit 3 and
// nothing left behind.
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, ftruncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject } from '../helpers/project.js';
import { SNAPSHOTS } from '../helpers/paths.js';
import { rehearseArgs, runCli } from '../helpers/run.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-dumps-'));
const project = makeProject('additive');
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});

describe('restore', () => {
  it.each([
    ['base.dir', 'directory'],
    ['base.tar', 'tar'],
    ['base.sql', 'plain'],
    ['base.sql.gz', 'plain-gzip'],
    ['base-create.sql', 'plain'], // pg_dump -C: its CREATE DATABASE and \connect are skipped
  ])('restores %s (%s) and passes the additive change', async (file, format) => {
    // A misleading name proves the format comes from the content.
    const snap = path.join(scratch, `snapshot-${format}.bin`);
    if (statSync(path.join(SNAPSHOTS, file)).isDirectory()) {
      const { cpSync } = await import('node:fs');
      cpSync(path.join(SNAPSHOTS, file), snap, { recursive: true });
    } else copyFileSync(path.join(SNAPSHOTS, file), snap);
    const r = await runCli(rehearseArgs(project, snap));
    expect(r.stderr).not.toMatch(/restore failed/);
    expect(r.exitCode).toBe(0);
    expect(r.report?.snapshot?.format).toBe(format);
    expect(r.report?.migrations[0]?.backward.status).toBe('reverted');
    expect(r.leftovers).toEqual([]);
  });

  it.each(['roles.dump', 'roles.sql'])('skips the ownership and grants of production roles (%s)', async (file) => {
    const r = await runCli(rehearseArgs(project, path.join(SNAPSHOTS, file)));
    expect(r.stderr).not.toMatch(/restore failed/);
    expect(r.exitCode).toBe(0);
  });

  it('refuses a corrupt dump with the restore tool\'s own error line, exit 3, nothing left behind', async () => {
    const bytes = readFileSync(path.join(SNAPSHOTS, 'base.dump'));
    const corrupt = Buffer.from(bytes);
    // Damage the table data (the second half), as a bad disk or a cut transfer would.
    for (let i = Math.floor(corrupt.length / 2); i < corrupt.length - 200; i += 5) corrupt[i] = (corrupt[i]! ^ 0x5a) & 0xff;
    const snap = path.join(scratch, 'corrupt.dump');
    writeFileSync(snap, corrupt);
    const r = await runCli(rehearseArgs(project, snap));
    expect(r.exitCode).toBe(3);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('rehearse:'))).toHaveLength(1);
    // Which bytes the damage hits differs per build of the dump (it carries its own
    // timestamp): pg_restore either reports the damage or crashes on it. Both are
    // the snapshot's fault, said in one line.
    expect(r.stderr).toMatch(/rehearse: restore failed: pg_restore(: error: | crashed \(SIG[A-Z]+\): the snapshot is corrupt)/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.report).toMatchObject({ verdict: 'error', exitCode: 3 });
    expect(r.leftovers).toEqual([]);
  });

  it('refuses a truncated dump with exit 3', async () => {
    const snap = path.join(scratch, 'truncated.dump');
    copyFileSync(path.join(SNAPSHOTS, 'base.dump'), snap);
    const fd = openSync(snap, 'r+');
    ftruncateSync(fd, Math.floor(statSync(snap).size * 0.6));
    closeSync(fd);
    const r = await runCli(rehearseArgs(project, snap));
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/rehearse: restore failed: pg_restore: error: /);
    expect(r.leftovers).toEqual([]);
  });

  it('refuses a dump from a newer major version than the server binaries, naming both', async () => {
    // Rewrite the header's server version ("15.x") to 17.2: what pg_dump 17 would write.
    const bytes = readFileSync(path.join(SNAPSHOTS, 'base.dump'));
    const at = bytes.indexOf(Buffer.from('15.'), 5);
    const oldLen = bytes[at - 4]!; // ReadStr length (intSize 4, little-endian) precedes the text
    const end = at + oldLen;
    const newVersion = Buffer.from('17.2 (Debian 17.2-1)');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(newVersion.length);
    const patched = Buffer.concat([bytes.subarray(0, at - 4), len, newVersion, bytes.subarray(end)]);
    const snap = path.join(scratch, 'newer.dump');
    writeFileSync(snap, patched);
    const r = await runCli(rehearseArgs(project, snap));
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/dumped from PostgreSQL 17\.2, newer than the sandbox's PostgreSQL 15\.\d+/);
    expect(r.leftovers).toEqual([]);
  });

  it('refuses a file that is not a dump with exit 3', async () => {
    const snap = path.join(scratch, 'notes.bin');
    writeFileSync(snap, Buffer.from([0, 1, 2, 3, 4, 5, 250, 251, 252]));
    const r = await runCli(rehearseArgs(project, snap));
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/not a pg_dump snapshot/);
  });
});
