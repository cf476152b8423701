// --sandbox docker, for real: a PostgreSQL container started with testcontainers,
// restored with the image's own client tools. Here no registry is reachable, so
// .ci/run builds an offline stand-in for postgres:15 (../shared/docker/up.sh) and
// containers use host networking. Skipped, with a notice, where no engine runs.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, SNAPSHOTS } from '../helpers/paths.js';
import { cleanupProjects, rehearseArgs, rehearseScenario, runCli, type CliRun } from '../helpers/run.js';
import { DOCKER_ARGS, DOCKER_ENV, IMAGE, dockerReady } from '../helpers/docker.js';
import { makeProject } from '../helpers/project.js';

const engine = await dockerReady();
if (!engine) console.warn(`NOTICE: no Docker engine with ${IMAGE} here (run ../shared/docker/up.sh); the docker sandbox tests are skipped`);

const DOCKER = DOCKER_ARGS;
const env = DOCKER_ENV;
afterAll(cleanupProjects);

const summary = (r: CliRun) =>
  (r.report?.findings ?? []).map((f) => `${f.code}:${f.severity}:${f.app}.${f.migration}:${f.table ?? ''}.${f.column ?? ''}:${f.lost ?? ''}`).sort();
const containers = async () =>
  (await execa('docker', ['ps', '-aq', '--filter', 'label=rehearse.run'], { env })).stdout.trim();

describe.skipIf(!engine)('--sandbox docker', () => {
  it.each(['remove-field', 'irreversible', 'ghost'])('gives the local sandbox\'s verdict on %s and leaves no container', async (scenario) => {
    const local = await rehearseScenario(scenario);
    const docker = await rehearseScenario(scenario, DOCKER, env);
    expect(docker.report?.sandbox).toMatchObject({ kind: 'docker', serverVersion: expect.stringMatching(/^15\./) });
    expect(docker.exitCode).toBe(local.exitCode);
    expect(docker.report?.verdict).toBe(local.report?.verdict);
    expect(summary(docker)).toEqual(summary(local));
    expect(await containers()).toBe('');
  });

  it.each(['base.sql.gz', 'base.dir'])('restores %s with the image\'s own tools', async (file) => {
    const project = makeProject('additive');
    const r = await runCli([...rehearseArgs(project, `${SNAPSHOTS}/${file}`), ...DOCKER], env);
    rmSync(project, { recursive: true, force: true });
    expect(r.stderr).not.toMatch(/restore failed/);
    expect(r.exitCode).toBe(0);
    expect(await containers()).toBe('');
  });

  it('starts from a cached template, a copy mounted as its data directory: no restore, the same verdict, the entry untouched', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-docker-cache-'));
    try {
      const CACHE = ['--cache-dir', cache];
      // A thin clone where it can be (as root): the entry then holds the work database's empty row too, which the container drops.
      const cold = await rehearseScenario('remove-field', CACHE, { REHEARSE_FILE_CLONE_FROM_BYTES: '1' });
      expect(cold.stderr).toMatch(/kept the restored template for the next run/);
      const entry = (await execa(BIN, ['cache', 'ls', ...CACHE])).stdout;
      const docker = await rehearseScenario('remove-field', [...DOCKER, ...CACHE], env);
      expect(docker.stderr).toMatch(/cached template of this snapshot from .*: no restore; started in \d+\.\d s on its files \(.* (linked|copied)\)/);
      expect(docker.stderr).toMatch(/restore: skipped/);
      expect(docker.report?.sandbox).toMatchObject({ kind: 'docker' });
      expect(docker.report!.timings?.restoreMs ?? 0).toBe(0);
      expect(docker.exitCode).toBe(cold.exitCode);
      expect(summary(docker)).toEqual(summary(cold));
      expect(await containers()).toBe('');
      // The container ran on a copy: the entry is as it was, and a local rerun still starts from it.
      expect((await execa(BIN, ['cache', 'ls', ...CACHE])).stdout.replace(/used \S+ \S+/, '')).toBe(entry.replace(/used \S+ \S+/, ''));
      const warm = await rehearseScenario('remove-field', CACHE);
      expect(warm.stderr).toMatch(/restore: skipped/);
      expect(summary(warm)).toEqual(summary(cold));
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('--docker-network host works on an engine without a bridge, with no TESTCONTAINERS_HOST_OVERRIDE set', async () => {
    const { TESTCONTAINERS_HOST_OVERRIDE: _, ...bare } = env;
    const r = await rehearseScenario('additive', DOCKER, { ...bare, TESTCONTAINERS_HOST_OVERRIDE: '' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await containers()).toBe('');
  });
});

describe('--sandbox docker without an engine', () => {
  it('says which socket it tried and what to set, in one line, exit 3', async () => {
    const r = await rehearseScenario('additive', DOCKER, { ...env, DOCKER_HOST: 'unix:///tmp/rehearse-no-engine.sock' });
    expect(r.exitCode).toBe(3);
    const said = r.stderr.split('\n').filter((l) => l.startsWith('rehearse:'));
    expect(said).toEqual([expect.stringMatching(/no Docker engine answered at unix:\/\/\/tmp\/rehearse-no-engine\.sock: start one, or set DOCKER_HOST/)]);
  });
});
