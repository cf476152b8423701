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

async function interruptDuringForward(signal: 'SIGTERM' | 'SIGINT', group: boolean, extra: string[] = [], extraEnv: Record<string, string> = {}) {
  const work = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-sig-'));
  chmodSync(work, 0o755);
  const tmp = path.join(work, 'tmp');
  await execa('mkdir', ['-m', '1777', tmp]);
  const child = execa(BIN, rehearseArgs(project, snapshotFor('slow'), extra).map((a) => a.replace('{reports}', path.join(work, 'r'))), {
    reject: false,
    detached: group, // its own process group, like a terminal's foreground job
    env: { TMPDIR: tmp, CI: 'true', ...extraEnv },
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

  const IMAGE = process.env.REHEARSE_TEST_PG_IMAGE ?? 'rehearse-test/postgres:15';
  const docker = execa('docker', ['image', 'inspect', IMAGE], { reject: false }).then((r) => r.exitCode === 0);
  it('SIGTERM mid-migration in a docker sandbox: exit 143, the container is gone', async (ctx) => {
    if (!(await docker)) return ctx.skip();
    const env = { TESTCONTAINERS_RYUK_DISABLED: 'true', TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1', DOCKER_HOST: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock' };
    const { r, left } = await interruptDuringForward('SIGTERM', false, ['--sandbox', 'docker', '--image', IMAGE, '--docker-network', 'host'], env);
    expect(r.exitCode).toBe(143);
    expect(left).toEqual([]);
    const containers = await execa('docker', ['ps', '-aq', '--filter', 'label=rehearse.run'], { env });
    expect(containers.stdout.trim()).toBe('');
  });
});
