// rehearse's own Docker image: built from the repo's Dockerfile on a local base
// (no registry is reachable here), extended with a project's requirements the way
// the README says, and a fixture rehearsed inside it. Skipped, with a notice,
// where no Docker engine runs.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, PYTHON, ROOT, SNAPSHOTS } from '../helpers/paths.js';
import { cleanupProjects, rehearseScenario } from '../helpers/run.js';

const ROOTFS = 'rehearse-test/debian-pg15-rootfs:bookworm';
const engine = (await execa('docker', ['image', 'inspect', ROOTFS], { reject: false, timeout: 20_000 })).exitCode === 0;
if (!engine) console.warn(`NOTICE: no Docker engine with ${ROOTFS} here (run ../shared/docker/up.sh); the image test is skipped`);

const work = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-image-'));
afterAll(() => {
  cleanupProjects();
  rmSync(work, { recursive: true, force: true });
});

const build = (args: string[]) => execa('docker', ['build', '-q', '--network', 'host', ...args], { reject: false });

describe.skipIf(!engine)('the rehearse image', () => {
  it('builds from the Dockerfile, runs as non-root, and rehearses a fixture like the local CLI', async () => {
    // A stand-in for the official Node image: the Debian rootfs plus this machine's node and npm.
    const base = path.join(work, 'base');
    mkdirSync(base);
    cpSync(process.execPath, path.join(base, 'node'));
    cpSync(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'), path.join(base, 'npm'), { recursive: true });
    cpSync('/etc/ssl/certs/ca-certificates.crt', path.join(base, 'host-ca.crt'));
    cpSync(path.join(ROOT, 'test', 'docker', 'node-base.Dockerfile'), path.join(base, 'Dockerfile'));
    const b0 = await build(['-t', 'rehearse-test/node-base:bookworm', base]);
    expect(b0.exitCode, b0.stderr).toBe(0);

    const b1 = await build(['--build-arg', 'BASE=rehearse-test/node-base:bookworm', '-t', 'rehearse-test/rehearse:ci', ROOT]);
    expect(b1.exitCode, b1.stderr).toBe(0);

    // The project's requirements on top, as the README shows (from wheels: no index is reachable).
    const app = path.join(work, 'app');
    mkdirSync(path.join(app, 'wheels'), { recursive: true });
    await execa(path.join(path.dirname(PYTHON), 'pip'), ['download', '-q', '-d', path.join(app, 'wheels'), 'django>=5.2,<5.3', 'psycopg[binary]']);
    cpSync(path.join(ROOT, 'test', 'docker', 'app.Dockerfile'), path.join(app, 'Dockerfile'));
    const b2 = await build(['--build-arg', 'REHEARSE_IMAGE=rehearse-test/rehearse:ci', '-t', 'rehearse-test/rehearse-app:ci', app]);
    expect(b2.exitCode, b2.stderr).toBe(0);

    const user = await execa('docker', ['run', '--rm', '--entrypoint', 'id', 'rehearse-test/rehearse-app:ci', '-un']);
    expect(user.stdout.trim()).toBe('rehearse');
    const help = await execa('docker', ['run', '--rm', 'rehearse-test/rehearse-app:ci', '--version'], { reject: false });
    expect(help.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);

    const project = path.join(work, 'project');
    cpSync(path.join(FIXTURES, 'base'), project, { recursive: true });
    cpSync(path.join(FIXTURES, 'scenarios', 'remove-field'), project, { recursive: true });
    chmodSync(work, 0o755);
    const inside = await execa('docker', ['run', '--rm', '--network', 'host',
      '-v', `${project}:/work/project:ro`, '-v', `${SNAPSHOTS}:/snap:ro`,
      'rehearse-test/rehearse-app:ci', 'run', '--project', '/work/project', '--snapshot', '/snap/base.dump',
      '--python', '/opt/venv/bin/python', '--format', 'json'], { reject: false });
    const outside = await rehearseScenario('remove-field');
    expect(inside.exitCode).toBe(outside.exitCode);
    const report = JSON.parse(inside.stdout);
    expect(report.verdict).toBe(outside.report!.verdict);
    const codes = (fs: Array<{ code: string; lost?: number }>) => fs.map((f) => `${f.code}:${f.lost ?? ''}`).sort();
    expect(codes(report.findings)).toEqual(codes(outside.report!.findings));
  }, 900_000);
});
