// Interrupts: SIGTERM (a pipeline cancelling the job) and Ctrl-C (SIGINT to the
// whole foreground process group), in every phase of a run and in each sandbox,
// must tear down every process, container and temp dir.
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject } from '../helpers/project.js';
import { BIN, SNAPSHOTS } from '../helpers/paths.js';
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
});

// Every phase, each held long enough to be hit in the middle (a restore that
// sleeps, an invariant that sleeps, a migration slow in one direction), each
// signal: the exit code says which signal, and nothing outlives the run.
describe('an interrupt in every phase', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-phases-'));
  chmodSync(scratch, 0o755);
  const slowProject = makeProject('slow-each-way');
  afterAll(() => rmSync(slowProject, { recursive: true, force: true }));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  // A plain dump whose restore sleeps a minute before its first table.
  const sleepyRestore = () => {
    const p = path.join(scratch, 'sleepy.sql');
    if (!existsSync(p)) {
      const sql = readFileSync(path.join(SNAPSHOTS, 'base.sql'), 'utf8');
      writeFileSync(p, sql.replace(/^(SET statement_timeout = 0;)$/m, '$1\nSELECT pg_sleep(60);'));
    }
    return p;
  };
  const sleepyInvariant = () => {
    const p = path.join(scratch, 'sleepy.yml');
    writeFileSync(p, 'name: sleepy\nsteps: [restore, baseline, forward, backward, reforward]\n' +
      'invariants:\n  - name: takes its time\n    sql: SELECT count(*) = 1 FROM pg_sleep(60)\n    expect: "true"\n');
    return ['--playbook', p];
  };
  type Phase = { ready: RegExp; wait: number; snapshot?: () => string; extra?: () => string[]; env?: Record<string, string> };
  const PHASE_SETUPS: Record<string, Phase> = {
    sandbox: { ready: /sandbox/, wait: 0 },
    restore: { ready: /restore/, wait: 800, snapshot: sleepyRestore },
    baseline: { ready: /baseline/, wait: 500, extra: sleepyInvariant },
    forward: { ready: /forward: /, wait: 500, env: { SLOW_IN: 'forward' } },
    backward: { ready: /backward: /, wait: 500, env: { SLOW_IN: 'backward' } },
    reforward: { ready: /reforward: /, wait: 500, env: { SLOW_IN: 'reforward' } },
    'report writing': { ready: /reports/, wait: 200, env: { REHEARSE_TEST_HOLD_REPORTS_MS: '60000' } },
  };
  const cases = Object.keys(PHASE_SETUPS).flatMap((phase) => (['SIGINT', 'SIGTERM'] as const).map((signal) => [phase, signal] as const));

  it.each(cases)('%s, %s', async (phase, signal) => {
    const setup = PHASE_SETUPS[phase]!;
    const work = mkdtempSync(path.join(scratch, 'run-'));
    chmodSync(work, 0o755);
    const tmp = path.join(work, 'tmp');
    await execa('mkdir', ['-m', '1777', tmp]);
    const snapshot = setup.snapshot?.() ?? path.join(SNAPSHOTS, 'base.dump');
    const args = rehearseArgs(slowProject, snapshot, setup.extra?.() ?? []).map((a) => a.replace('{reports}', path.join(work, 'r')));
    const child = execa(BIN, args, { reject: false, detached: true, env: { TMPDIR: tmp, CI: 'true', ...setup.env } });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`never reached ${phase}: ${stderr}`)), 60_000);
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (setup.ready.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await new Promise((r) => setTimeout(r, setup.wait));
    // Ctrl-C reaches the whole foreground group; a pipeline's SIGTERM reaches rehearse.
    if (signal === 'SIGINT') process.kill(-child.pid!, signal);
    else child.kill(signal);
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(String(r.stderr)).not.toMatch(/\n\s+at /);
    expect([...readdirSync(tmp), ...(await postgresUnder(tmp))]).toEqual([]);
    const runners = (await execa('pgrep', ['-af', `runner.py ${slowProject}`], { reject: false })).stdout.trim();
    expect(runners).toBe('');
  });
});

describe('interrupts in other sandboxes', () => {
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
