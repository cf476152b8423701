// `rehearse doctor` tells what this machine has; `doctor --clean` removes only
// what killed runs left behind.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { mountOverlay } from '../../src/sandbox/local/overlay.js';
import { BIN, FIXTURES, PYTHON } from '../helpers/paths.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-doctor-'));
chmodSync(tmp, 0o755);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const doctor = (args: string[], env: Record<string, string> = {}) =>
  execa(BIN, ['doctor', ...args], { reject: false, env: { CI: 'true', ...env } });

describe('rehearse doctor', () => {
  it('reports the server binaries, Python and Django, and is ready here', async () => {
    const r = await doctor(['--project', path.join(FIXTURES, 'base'), '--python', PYTHON]);
    const { stdout: pgv } = await execa('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`✓ PostgreSQL server binaries: `);
    expect(r.stdout).toContain(pgv.trim());
    expect(r.stdout).toMatch(/✓ Python and Django: .*Django 5\.2/);
    expect(r.stdout).toMatch(/✓ PostgreSQL driver: psycopg/);
    expect(r.stdout).toMatch(/Docker engine: /);
    expect(r.stdout).toMatch(/ready for a local rehearsal/);
  });

  it('says what to install when Django is missing, and exits 1', async () => {
    const r = await doctor(['--project', path.join(FIXTURES, 'base'), '--python', 'python3']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/✗ Python and Django: python3 cannot import django/);
    expect(r.stdout).toMatch(/fix: .*pip install django/);
  });

  it('--clean removes a killed run\'s temp dirs and keeps a live run\'s', async () => {
    const dead = path.join(tmp, 'rehearse-4194000-abcDEF');
    const deadShim = path.join(tmp, 'rehearse-django-4194000-xyzXYZ');
    const live = path.join(tmp, `rehearse-${process.pid}-liveAB`);
    for (const d of [dead, deadShim, live]) mkdirSync(path.join(d, 'data'), { recursive: true });
    const r = await doctor(['--clean'], { TMPDIR: tmp });
    expect(r.exitCode).toBe(0);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(deadShim)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(r.stdout).toContain(`removed ${dead}`);
  });

  it.runIf(process.getuid?.() === 0)('--clean takes away a killed run\'s thin-clone mount before removing its dir', async () => {
    const lower = mkdtempSync(path.join(tmp, 'lower-'));
    writeFileSync(path.join(lower, '16384'), 'a relation file');
    const dead = path.join(tmp, 'rehearse-4194001-mntMNT');
    const target = path.join(dead, 'data', 'base', '16500');
    mkdirSync(target, { recursive: true });
    expect(await mountOverlay(lower, target, path.join(dead, 'overlay-16500'))).toBe(true);
    expect(readFileSync(path.join(target, '16384'), 'utf8')).toBe('a relation file');
    const r = await doctor(['--clean'], { TMPDIR: tmp });
    expect(r.exitCode).toBe(0);
    expect(readFileSync('/proc/self/mounts', 'utf8')).not.toContain(dead);
    expect(existsSync(dead)).toBe(false);
    expect(readFileSync(path.join(lower, '16384'), 'utf8')).toBe('a relation file');
  });
});
