// Interrupts: SIGTERM (a pipeline cancelling the job) and Ctrl-C (SIGINT to the
// whole foreground process group), in every phase of a run and in each sandbox,
// must tear down every process, container and temp dir.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { DOCKER_ARGS, DOCKER_ENV, dockerReady } from '../helpers/docker.js';
import { makeProject } from '../helpers/project.js';
import { SNAPSHOTS } from '../helpers/paths.js';
import { snapshotFor } from '../helpers/snapshots.js';
import { actDuring } from '../helpers/run.js';

const project = makeProject('slow');
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** A signal while the slow scenario's migration sleeps; `group`: to the whole process group, as Ctrl-C is. */
function interruptDuringForward(signal: 'SIGTERM' | 'SIGINT', group: boolean, extra: string[] = [], env: Record<string, string> = {}) {
  return actDuring({ project, snapshot: snapshotFor('slow'), ready: /forward: /, extra, env, detached: group },
    (pid) => void process.kill(group ? -pid : pid, signal));
}

describe('interrupts tear everything down', () => {
  it('SIGTERM mid-migration: exit 143, no postgres, no runner, no temp dirs', async () => {
    const { r, elapsed, left } = await interruptDuringForward('SIGTERM', false);
    expect(r.exitCode).toBe(143);
    expect(r.stderr).toMatch(/interrupted by SIGTERM; everything was torn down/);
    expect(left).toEqual([]);
    expect(elapsed).toBeLessThan(30_000); // did not wait for the 60 s migration
  });

  it.runIf(process.getuid?.() === 0)('SIGTERM mid-migration on a thin clone (an overlay mount): exit 143, no mount, nothing left', async () => {
    const { r, left } = await interruptDuringForward('SIGTERM', false, [], { REHEARSE_FILE_CLONE_FROM_BYTES: '1' });
    expect(r.stderr).toMatch(/cloned to rehearse_work in [0-9.]+ s \(a thin clone/);
    expect(r.exitCode).toBe(143);
    expect(left).toEqual([]);
  });

  it('Ctrl-C (SIGINT to the process group) mid-migration: exit 130, nothing left', async () => {
    const { r, left } = await interruptDuringForward('SIGINT', true);
    expect(r.exitCode).toBe(130);
    expect(left).toEqual([]);
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
    // Ctrl-C reaches the whole foreground group; a pipeline's SIGTERM reaches rehearse.
    const { r, left } = await actDuring({
      project: slowProject, snapshot: setup.snapshot?.() ?? path.join(SNAPSHOTS, 'base.dump'), ready: setup.ready, settle: setup.wait,
      extra: setup.extra?.() ?? [], env: setup.env ?? {}, detached: true,
    }, (pid) => void process.kill(signal === 'SIGINT' ? -pid : pid, signal));
    expect(r.exitCode, String(r.stderr)).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(String(r.stderr)).not.toMatch(/\n\s+at /);
    expect(left).toEqual([]);
  });
});

describe('interrupts in other sandboxes', () => {
  const docker = dockerReady();
  it('SIGTERM mid-migration in a docker sandbox: exit 143, the container is gone', async (ctx) => {
    if (!(await docker)) return ctx.skip();
    const env = DOCKER_ENV;
    const { r, left } = await interruptDuringForward('SIGTERM', false, DOCKER_ARGS, env);
    expect(r.exitCode).toBe(143);
    expect(left).toEqual([]);
    const containers = await execa('docker', ['ps', '-aq', '--filter', 'label=rehearse.run'], { env });
    expect(containers.stdout.trim()).toBe('');
  });
});
