// --sandbox server: an existing PostgreSQL (here a second local cluster that
// holds other databases) where the role may CREATE DATABASE. The verdict must
// equal the local sandbox's, and nothing else on the server may be touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Cleanup } from '../../src/cleanup.js';
import { LocalSandbox } from '../../src/sandbox/local/cluster.js';
import { dropIfMarked } from '../../src/sandbox/server/database.js';
import { cleanupProjects, rehearseScenario, type CliRun } from '../helpers/run.js';

const cleanup = new Cleanup();
let box: LocalSandbox;
let admin: pg.Client;
// The sandbox asks for passwords on TCP (as a real server does); a URL's password must never be printed.
const url = (role: string) => `postgres://${role}:pw-${role}-s3cret@127.0.0.1:${box.port}/postgres`;

const settle = () => new Promise((r) => setTimeout(r, 1500)); // every backend's stats reach pg_stat_database
const databases = async () => (await admin.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY 1')).rows.map((r) => r.datname);
const stats = async () => (await admin.query(`SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted
                                              FROM pg_stat_database WHERE datname = 'app_live'`)).rows[0];
async function digest() {
  const live = new pg.Client(box.conn('app_live'));
  await live.connect();
  const d = (await live.query(`SELECT md5(string_agg(t::text, ',' ORDER BY id)) AS d FROM orders t`)).rows[0].d;
  await live.end();
  return d;
}

beforeAll(async () => {
  box = await LocalSandbox.start(cleanup);
  admin = new pg.Client(box.conn('postgres'));
  await admin.connect();
  // A local sandbox starts with its own two databases' rows (src/sandbox/local/blank-cluster.ts): this server holds none.
  for (const db of Object.values(box.databases)) await admin.query(`DROP DATABASE ${db}`);
  await admin.query("CREATE ROLE rehearser LOGIN CREATEDB PASSWORD 'pw-rehearser-s3cret'");
  await admin.query("CREATE ROLE readonly LOGIN PASSWORD 'pw-readonly-s3cret'");
  await admin.query('CREATE DATABASE app_live');
  const live = new pg.Client(box.conn('app_live'));
  await live.connect();
  await live.query(`CREATE TABLE orders (id int PRIMARY KEY, total numeric); INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(1, 1000) g`);
  await live.end();
});

afterAll(async () => {
  cleanupProjects();
  await admin?.end().catch(() => {});
  await cleanup.drain();
});

const summary = (r: CliRun) =>
  (r.report?.findings ?? []).map((f) => `${f.code}:${f.app}.${f.migration}:${f.table ?? ''}.${f.column ?? ''}:${f.lost ?? ''}`).sort();

describe('--sandbox server', () => {
  it('gives the local sandbox\'s verdict and touches nothing else on the server', async () => {
    const local = await rehearseScenario('remove-field');
    const digestBefore = await digest();
    await settle();
    const before = { dbs: await databases(), stats: await stats() };
    const remote = await rehearseScenario('remove-field', ['--sandbox', 'server', '--server-url', url('rehearser')]);
    await settle();
    const after = { dbs: await databases(), stats: await stats(), digest: await digest() };
    expect(remote.exitCode).toBe(local.exitCode);
    expect(remote.report?.verdict).toBe(local.report?.verdict);
    expect(summary(remote)).toEqual(summary(local));
    expect(remote.report?.sandbox?.kind).toBe('server');
    expect(`${remote.stdout}${remote.stderr}${JSON.stringify(remote.report)}`).not.toContain('s3cret'); // masked everywhere
    expect(after.dbs).toEqual(before.dbs); // its own databases are gone again
    expect(after.digest).toBe(digestBefore);
    expect(after.stats).toEqual(before.stats); // no session ever ran in app_live
  });

  it('refuses a role that cannot create databases, with exit 2', async () => {
    const r = await rehearseScenario('additive', ['--sandbox', 'server', '--server-url', url('readonly')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe('rehearse: --server-url: role "readonly" cannot create databases (it needs CREATEDB)');
  });

  it('--keep leaves its marked databases in place and says how to reach them', async () => {
    const r = await rehearseScenario('additive', ['--sandbox', 'server', '--server-url', url('rehearser'), '--keep']);
    expect(r.exitCode).toBe(0);
    const kept = (await admin.query<{ datname: string; mark: string }>(
      `SELECT datname, shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname LIKE 'rehearse\\_%' ORDER BY 1`)).rows;
    expect(kept).toHaveLength(2);
    expect(kept.every((k) => k.mark.startsWith('rehearse:'))).toBe(true);
    expect(r.stderr).toMatch(/psql "postgresql:\/\/rehearser@127\.0\.0\.1:\d+\/rehearse_\w+"/);
    expect(`${r.stdout}${r.stderr}`).not.toContain('s3cret');
    for (const k of kept) expect(await dropIfMarked(admin, k.datname)).toBe(true);
  });

  it('never drops a database without its mark', async () => {
    await admin.query('CREATE DATABASE rehearse_lookalike');
    expect(await dropIfMarked(admin, 'rehearse_lookalike')).toBe(false);
    expect((await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'rehearse_lookalike'`)).rowCount).toBe(1);
    await admin.query('DROP DATABASE rehearse_lookalike');
  });

  it('doctor --clean drops the marked databases of finished runs only', async () => {
    const { hostname } = await import('node:os');
    const { execa } = await import('execa');
    const { BIN } = await import('../helpers/paths.js');
    await admin.query('CREATE DATABASE rehearse_deadrun OWNER rehearser');
    await admin.query(`COMMENT ON DATABASE rehearse_deadrun IS 'rehearse:deadrun host=${hostname()} pid=4194000 at=${new Date().toISOString()}'`);
    await admin.query('CREATE DATABASE rehearse_liverun OWNER rehearser');
    await admin.query(`COMMENT ON DATABASE rehearse_liverun IS 'rehearse:liverun host=${hostname()} pid=${process.pid} at=${new Date().toISOString()}'`);
    const r = await execa(BIN, ['doctor', '--clean', '--server-url', url('rehearser')], { reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('dropped database rehearse_deadrun');
    expect(r.stdout).toMatch(/kept rehearse_liverun/);
    const left = (await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'rehearse\\_%'`)).rows.map((x) => x.datname);
    expect(left).toEqual(['rehearse_liverun']);
    await admin.query('DROP DATABASE rehearse_liverun');
  });
});
