// Interrupts: SIGTERM (a pipeline cancelling the job) and Ctrl-C (SIGINT to the
// whole foreground process group) in the middle of a migration must tear down
// every process and temp dir.
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject } from '../helpers/project.js';
import { BIN } from '../helpers/paths.js';
import { snapshotFor } from '../helpers/snapshots.js';
import { postgresUnder, rehearseArgs } from '../helpers/run.js';

const project = makeProject('slow');
afterAll(() => rmSync(project, { recursive: true, force: true }));

async function interruptDuringForward(signal: 'SIGTERM' | 'SIGINT', group: boolean) {
  const work = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-sig-'));
  chmodSync(work, 0o755);
  const tmp = path.join(work, 'tmp');
  await execa('mkdir', ['-m', '1777', tmp]);
  const child = execa(BIN, rehearseArgs(project, snapshotFor('slow')).map((a) => a.replace('{reports}', path.join(work, 'r'))), {
    reject: false,
    detached: group, // its own process group, like a terminal's foreground job
    env: { TMPDIR: tmp, CI: 'true' },
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`never reached forward: ${stderr}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/forward: /.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await new Promise((r) => setTimeout(r, 500)); // inside pg_sleep now
  if (group) process.kill(-child.pid!, signal);
  else child.kill(signal);
  const started = Date.now();
  const r = await child;
  const elapsed = Date.now() - started;
  const left = [...readdirSync(tmp), ...(await postgresUnder(tmp))];
  const runners = (await execa('pgrep', ['-af', `runner.py ${project}`], { reject: false })).stdout.trim();
  rmSync(work, { recursive: true, force: true });
  return { r, elapsed, left, runners };
}

describe('interrupts tear everything down', () => {
  it('SIGTERM mid-migration: exit 143, no postgres, no runner, no temp dirs', async () => {
    const { r, elapsed, left, runners } = await interruptDuringForward('SIGTERM', false);
    expect(r.exitCode).toBe(143);
    expect(r.stderr).toMatch(/interrupted by SIGTERM; everything was torn down/);
    expect(left).toEqual([]);
    expect(runners).toBe('');
    expect(elapsed).toBeLessThan(30_000); // did not wait for the 60 s migration
  });

  it('Ctrl-C (SIGINT to the process group) mid-migration: exit 130, nothing left', async () => {
    const { r, left, runners } = await interruptDuringForward('SIGINT', true);
    expect(r.exitCode).toBe(130);
    expect(left).toEqual([]);
    expect(runners).toBe('');
  });
});
