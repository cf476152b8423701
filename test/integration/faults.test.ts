// Faults from outside and hangs from inside, each with its exit code and
// nothing left behind: the Django runner, the PostgreSQL server or the docker
// sandbox's container killed mid-migration, a migration that never returns (--migration-timeout), a run
// that goes on too long (--timeout), a migration waiting on a lock it holds
// itself (the sandbox's lock_timeout); a --report-dir that cannot be one,
// refused before anything starts; and a settings module and environment that
// point at "production": a trap listener that must never be connected to.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { DOCKER_ARGS, DOCKER_ENV, dockerReady } from '../helpers/docker.js';
import { BIN, PYTHON } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';
import { actDuring, cleanupProjects, leftIn, scratchRun, postgresUnder, rehearseScenario, runCli, spawnRun } from '../helpers/run.js';
import { snapshotFor } from '../helpers/snapshots.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-faults-'));
afterAll(() => {
  cleanupProjects();
  rmSync(scratch, { recursive: true, force: true });
});

/** Start a run of `scenario`, wait until `ready` shows on stderr, then do `fault` to it. */
/** A fault from outside while a scenario's run is at `ready`: its exit, its stderr, and what outlived it. */
async function faultDuring(scenario: string, ready: RegExp, fault: (pid: number, tmp: string) => Promise<void>,
  extra: string[] = [], env: Record<string, string> = {}) {
  const project = makeProject(scenario);
  try {
    const { r, left } = await actDuring({ project, snapshot: snapshotFor(scenario), ready, extra, env }, fault);
    return { exitCode: r.exitCode, stderr: String(r.stderr), left };
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

const pidsOf = async (pattern: string) => (await execa('pgrep', ['-f', pattern], { reject: false })).stdout.split('\n').filter(Boolean).map(Number);

describe('faults from outside', () => {
  it('SIGKILL of the Django runner mid-migration: exit 3, one line, nothing left', async () => {
    const r = await faultDuring('slow', /forward: /, async (pid) => {
      for (const p of await pidsOf('python/runner.py')) {
        const parent = Number((await execa('ps', ['-o', 'ppid=', '-p', String(p)], { reject: false })).stdout.trim());
        if (parent === pid) process.kill(p, 'SIGKILL');
      }
    });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/rehearse: the Django project stopped/);
    expect(r.left).toEqual([]);
  });

  it('SIGKILL of the PostgreSQL server mid-migration: exit 3, one line, nothing left, its shared memory too', async () => {
    const dsmBefore = new Set(readdirSync('/dev/shm'));
    let segment = '';
    const r = await faultDuring('slow', /forward: /, async (_pid, tmp) => {
      // The System V segment the postmaster names in its pid file (7th line: key, id).
      const box = readdirSync(tmp).find((n) => existsSync(path.join(tmp, n, 'data', 'postmaster.pid')))!;
      segment = readFileSync(path.join(tmp, box, 'data', 'postmaster.pid'), 'utf8').split('\n')[6]!.trim().split(/\s+/)[1]!;
      for (const p of await pidsOf(`postgres -D ${tmp}`)) process.kill(p, 'SIGKILL');
    });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^rehearse: /);
    expect(r.left).toEqual([]);
    expect(segment).toMatch(/^\d+$/);
    const segments = (await execa('ipcs', ['-m'])).stdout.split('\n').map((l) => l.trim().split(/\s+/)[1]);
    expect(segments).not.toContain(segment);
    // Dynamic shared memory lives in the data directory, gone with it: none was made in /dev/shm.
    expect(readdirSync('/dev/shm').filter((n) => n.startsWith('PostgreSQL.') && !dsmBefore.has(n))).toEqual([]);
  });
});

describe('the docker sandbox', () => {
  const env = DOCKER_ENV;
  const docker = dockerReady();
  const ours = async () => (await execa('docker', ['ps', '-aq', '--filter', 'label=rehearse.run'], { env, reject: false })).stdout.trim();

  it('its container killed from outside mid-migration: exit 3, one line, no container, nothing left', async (ctx) => {
    if (!(await docker)) return ctx.skip();
    const r = await faultDuring('slow', /forward: /, async () => {
      const ids = await ours();
      expect(ids).not.toBe('');
      await execa('docker', ['kill', ...ids.split('\n')], { env });
    }, DOCKER_ARGS, env);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^rehearse: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.left).toEqual([]);
    expect(await ours()).toBe('');
  });
});

describe('a reader that goes away', () => {
  it('`rehearse … 2>&1 | head`: the run ends its work and tears down, leaving nothing', async () => {
    const scratch = await scratchRun('pipe');
    const { work, tmp } = scratch;
    const project = makeProject('additive');
    try {
      const child = spawnRun(project, snapshotFor('additive'), scratch);
      // Like head: read the first line, then close the pipe; every later write is EPIPE.
      await new Promise<void>((resolve) => child.stderr!.once('data', () => resolve()));
      child.stderr!.destroy();
      child.stdout!.destroy();
      const r = await child;
      // It finished the rehearsal (its report says so) rather than dying at the first write.
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(readFileSync(path.join(work, 'r', 'report.json'), 'utf8'))).toMatchObject({ verdict: 'pass' });
      expect(await leftIn(tmp)).toEqual([]);
    } finally {
      rmSync(project, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('SIGKILL of rehearse itself', () => {
  it('leaves what it cannot clean; the next run says how much, and doctor --clean removes it', async () => {
    const scratch = await scratchRun('killed');
    const { work, tmp } = scratch;
    const project = makeProject('slow');
    try {
      const child = spawnRun(project, snapshotFor('slow'), scratch);
      await new Promise<void>((resolve) => child.stderr!.on('data', (d: Buffer) => /forward: /.test(d.toString()) && resolve()));
      child.kill('SIGKILL');
      await child;
      // The server dies with it (its parent-death signal); the temp dir stays.
      for (let i = 0; i < 100 && (await postgresUnder(tmp)).length; i++) await new Promise((r) => setTimeout(r, 100));
      expect((await execa('ls', ['-A', tmp])).stdout).toMatch(/^rehearse-\d+-/m);
      const next = await spawnRun(project, snapshotFor('slow'), scratch, { reports: 'r2', extra: ['--timeout', '1'] });
      expect(String(next.stderr)).toMatch(/\d+ leftover temp dir\(s\) of killed runs hold [\d.]+ [KMG]?B in .*: rehearse doctor --clean removes them/);
      const clean = await execa(BIN, ['doctor', '--clean'], { reject: false, env: { TMPDIR: tmp, CI: 'true' } });
      expect(clean.stdout).toMatch(/removed /);
      expect(await leftIn(tmp)).toEqual([]);
    } finally {
      await execa('pkill', ['-f', `runner.py ${project}`], { reject: false });
      rmSync(project, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('runs at once', () => {
  it('four rehearsals in one TMPDIR at the same time: each its own verdict, none sees the others as leftovers, nothing left', async () => {
    const scratch = await scratchRun('four');
    const { work, tmp } = scratch;
    const scenarios = ['additive', 'remove-field', 'additive', 'not-null'];
    const projects = scenarios.map((s) => makeProject(s));
    try {
      const runs = await Promise.all(scenarios.map((s, i) => spawnRun(projects[i]!, snapshotFor(s), scratch, { reports: `r${i}` })));
      expect(runs.map((r) => r.exitCode)).toEqual([0, 1, 0, 1]);
      for (const r of runs) expect(String(r.stderr)).not.toMatch(/leftover temp dir/);
      expect(await leftIn(tmp)).toEqual([]);
    } finally {
      for (const p of projects) rmSync(p, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('hangs', () => {
  it('a migration that never returns is stopped by --migration-timeout: exit 3, the report names it and how long', async () => {
    const r = await rehearseScenario('hang-spin', ['--migration-timeout', '2']);
    expect(r.exitCode).toBe(3);
    expect(r.report!.verdict).toBe('error');
    expect(r.report!.error).toBe('forward shop.0003_wait_for_flag hung: stopped after 2 s (--migration-timeout); everything was torn down');
    expect(r.report!.migrations[0]!.forward).toEqual(expect.objectContaining({ status: 'failed', error: expect.objectContaining({ type: 'Timeout' }) }));
  });

  it('--timeout stops the whole run, saying where it was', async () => {
    const r = await rehearseScenario('hang-spin', ['--timeout', '6']);
    expect(r.exitCode).toBe(3);
    expect(r.report!.error).toMatch(/went past --timeout 6 s \(in forward, at shop\.0003_wait_for_flag: Raw Python operation\)/);
  });

  it('a migration waiting on its own lock through a second connection fails at the sandbox\'s lock_timeout', async () => {
    const r = await rehearseScenario('self-lock', ['--lock-timeout', '2']);
    expect(r.exitCode).toBe(1);
    const f = r.report!.findings.find((x) => x.code === 'MIGRATION_FAILED');
    expect(f?.message).toMatch(/lock timeout/);
  });

  it.each([['--timeout', 'soon'], ['--migration-timeout', '0'], ['--lock-timeout', '-1']])('%s %s is a usage error', async (flag, value) => {
    const r = await rehearseScenario('additive', [flag, value]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(`rehearse: ${flag} ${value}: expected a whole number of seconds`);
  });
});

describe('--report-dir that cannot be one is refused before anything starts', () => {
  const file = path.join(scratch, 'a-file');
  writeFileSync(file, 'x');
  it.each([
    ['a file', file, /is a file, not a directory/],
    ['under a file', path.join(file, 'reports'), /is a file, not a directory/],
    ['under /proc', '/proc/self/reports', /pseudo-filesystem/],
  ])('%s', async (_, dir, message) => {
    const t0 = Date.now();
    const project = makeProject('additive');
    const r = await runCli(['run', '--project', project, '--snapshot', snapshotFor('additive'), '--python', PYTHON, '--report-dir', dir]);
    rmSync(project, { recursive: true, force: true });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/sandbox|restore/);
    expect(Date.now() - t0).toBeLessThan(30_000); // never a hang
  });
});

describe('no contact with production', () => {
  it('settings and the environment point at a listening trap: it is never connected to, and the project sees no database variables', async () => {
    let connections = 0;
    const trap = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.2', resolve));
    const port = (trap.address() as net.AddressInfo).port;
    const url = `postgres://shop:hunter2@127.0.0.2:${port}/shop_production`;
    try {
      const r = await rehearseScenario('env-scrub', [], {
        TRAP_PORT: String(port), DATABASE_URL: url, READONLY_DATABASE_URL: url,
        PGHOST: '127.0.0.2', PGPORT: String(port), PGUSER: 'shop', PGPASSWORD: 'hunter2', PGDATABASE: 'shop_production',
        PGOPTIONS: '-c default_transaction_read_only=on', PGSERVICE: 'production',
      });
      expect(r.exitCode, r.stdout).toBe(0);
      expect(connections).toBe(0);
      expect(`${r.stdout}${r.stderr}${JSON.stringify(r.report)}`).not.toContain('hunter2');
    } finally {
      trap.close();
    }
  });
});

describe('the local sandbox keeps the snapshot to itself', () => {
  it('its dir is 0700, it listens on 127.0.0.1 only, and TCP needs its random password', async () => {
    const { Cleanup } = await import('../../src/cleanup.js');
    const { LocalSandbox } = await import('../../src/sandbox/local/cluster.js');
    const pg = (await import('pg')).default;
    const { statSync } = await import('node:fs');
    const cleanup = new Cleanup();
    try {
      const box = await LocalSandbox.start(cleanup);
      expect(statSync(box.dir).mode & 0o777).toBe(0o700);
      const conn = box.conn('postgres');
      expect(conn.password).toMatch(/^[\w-]{20,}$/);
      const anonymous = new pg.Client({ ...conn, password: 'guess' });
      await expect(anonymous.connect()).rejects.toThrow(/password authentication failed/);
      const owner = new pg.Client(conn);
      await owner.connect();
      const listen = (await owner.query<{ v: string }>("SELECT current_setting('listen_addresses') AS v")).rows[0]!.v;
      await owner.end();
      expect(listen).toBe('127.0.0.1');
    } finally {
      await cleanup.drain();
    }
  });
});

describe('no leaks', () => {
  const CANARY = /cnry7f3a9/i;
  it('a canary in names, emails and free text appears nowhere, though the migration fails on that very row', async () => {
    const r = await rehearseScenario('canary', ['--verbose']);
    expect(r.exitCode).toBe(1);
    const failed = r.report!.findings.find((f) => f.code === 'MIGRATION_FAILED');
    expect(failed?.message).toMatch(/invalid input syntax for type numeric: "…"/);
    expect(r.stdout).not.toMatch(CANARY);
    expect(r.stderr).not.toMatch(CANARY);
    expect(r.reportText).toMatch(/MIGRATION_FAILED/);
    expect(r.reportText).not.toMatch(CANARY);
  });

  it('a Python exception\'s own words stay by default; --redact strict keeps only its type', async () => {
    const kept = await rehearseScenario('canary-python');
    expect(kept.report!.findings.find((f) => f.code === 'MIGRATION_FAILED')?.message).toMatch(CANARY);
    const strict = await rehearseScenario('canary-python', ['--redact', 'strict', '--verbose']);
    expect(strict.exitCode).toBe(1);
    expect(strict.report!.findings.find((f) => f.code === 'MIGRATION_FAILED')?.message).toMatch(/ValueError/);
    expect(`${strict.stdout}${strict.stderr}${strict.reportText}`).not.toMatch(CANARY);
  });
});
