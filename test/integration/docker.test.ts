// --sandbox docker, for real: a PostgreSQL container started with testcontainers,
// restored with the image's own client tools. Here no registry is reachable, so
// .ci/run builds an offline stand-in for postgres:15 (../shared/docker/up.sh) and
// containers use host networking. Skipped, with a notice, where no engine runs.
import { rmSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { SNAPSHOTS } from '../helpers/paths.js';
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
