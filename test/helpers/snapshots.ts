// Builds the "production" snapshots the tests rehearse on, with the product's own
// local sandbox: the base project migrated to its released state (shop 0002) and
// seeded, dumped in every format; plus one custom dump per scenario that has a
// history.sql (production's history diverging from the files).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { Cleanup } from '../../src/cleanup.js';
import { LocalSandbox } from '../../src/sandbox/local/cluster.js';
import { libpqEnv } from '../../src/sandbox/provider.js';
import { writeSettingsShim, SHIM_MODULE } from '../../src/django/shim.js';
import { FIXTURES, PYTHON, SNAPSHOTS } from './paths.js';
import { makeProject } from './project.js';

export async function buildSnapshots(): Promise<void> {
  const stamp = path.join(SNAPSHOTS, '.complete');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === fixturesDigest()) return;
  rmSync(SNAPSHOTS, { recursive: true, force: true });
  mkdirSync(SNAPSHOTS, { recursive: true });
  const cleanup = new Cleanup();
  try {
    const box = await LocalSandbox.start(cleanup);
    const admin = new pg.Client(box.conn('postgres'));
    await admin.connect();
    await admin.query('CREATE DATABASE base');
    const project = makeProject();
    const shim = writeSettingsShim(path.join(project, '.shim'), box.conn('base'));
    await execa(PYTHON, ['manage.py', 'migrate', '--noinput', 'shop', '0002_customer_city'], {
      cwd: project,
      env: { PYTHONPATH: shim, DJANGO_SETTINGS_MODULE: SHIM_MODULE, REHEARSE_ORIGINAL_SETTINGS: 'shop_site.settings' },
    });
    // contenttypes and auth are fully migrated too (shop's 0001 depends on nothing, so migrate them explicitly).
    await execa(PYTHON, ['manage.py', 'migrate', '--noinput', 'auth'], {
      cwd: project,
      env: { PYTHONPATH: shim, DJANGO_SETTINGS_MODULE: SHIM_MODULE, REHEARSE_ORIGINAL_SETTINGS: 'shop_site.settings' },
    });
    rmSync(project, { recursive: true, force: true });
    const base = new pg.Client(box.conn('base'));
    await base.connect();
    await base.query(readFileSync(path.join(FIXTURES, 'base', 'seed.sql'), 'utf8'));
    await base.end();

    const dump = (db: string, args: string[]) =>
      execa(box.clientTool('pg_dump'), [...args, db], { env: libpqEnv(box.conn(db)) });
    await dump('base', ['-Fc', '-f', path.join(SNAPSHOTS, 'base.dump')]);
    await dump('base', ['-Fd', '-f', path.join(SNAPSHOTS, 'base.dir')]);
    await dump('base', ['-Ft', '-f', path.join(SNAPSHOTS, 'base.tar')]);
    await dump('base', ['-Fp', '-f', path.join(SNAPSHOTS, 'base.sql')]);
    await dump('base', ['-Fp', '-C', '-f', path.join(SNAPSHOTS, 'base-create.sql')]);
    // INSERT statements instead of COPY, as some teams dump (what `plan` reads django_migrations from).
    await dump('base', ['-Fp', '--inserts', '-f', path.join(SNAPSHOTS, 'base-inserts.sql')]);
    await dump('base', ['-Fp', '--column-inserts', '-f', path.join(SNAPSHOTS, 'base-column-inserts.sql')]);
    await execa('sh', ['-c', `gzip -c '${path.join(SNAPSHOTS, 'base.sql')}' > '${path.join(SNAPSHOTS, 'base.sql.gz')}'`]);

    // Production roles own the tables and hold grants; the sandbox has none of them.
    await admin.query('CREATE DATABASE roles TEMPLATE base');
    await admin.query('CREATE ROLE shop_prod');
    await admin.query('CREATE ROLE analytics');
    const roles = new pg.Client(box.conn('roles'));
    await roles.connect();
    await roles.query(`ALTER TABLE shop_customer OWNER TO shop_prod; ALTER TABLE shop_order OWNER TO shop_prod;
      GRANT SELECT ON shop_order TO analytics; REVOKE ALL ON shop_customer FROM PUBLIC`);
    await roles.end();
    await dump('roles', ['-Fc', '-f', path.join(SNAPSHOTS, 'roles.dump')]);
    await dump('roles', ['-Fp', '-f', path.join(SNAPSHOTS, 'roles.sql')]);

    // Snapshots that are not of a Django database rehearse can judge (the bad-input matrix):
    // the history table left out, an empty database, another application's database.
    await dump('base', ['-Fc', '-T', 'django_migrations', '-f', path.join(SNAPSHOTS, 'no-history.dump')]);
    await admin.query('CREATE DATABASE empty');
    await dump('empty', ['-Fc', '-f', path.join(SNAPSHOTS, 'no-tables.dump')]);
    await admin.query('CREATE DATABASE foreign_app');
    const foreign = new pg.Client(box.conn('foreign_app'));
    await foreign.connect();
    await foreign.query(`CREATE TABLE film (film_id serial PRIMARY KEY, title text NOT NULL, release_year int);
      CREATE TABLE actor (actor_id serial PRIMARY KEY, name text NOT NULL);
      CREATE TABLE film_actor (film_id int REFERENCES film, actor_id int REFERENCES actor, PRIMARY KEY (film_id, actor_id));
      INSERT INTO film (title, release_year) SELECT 'film ' || g, 1990 + g % 30 FROM generate_series(1, 200) g;`);
    await foreign.end();
    await dump('foreign_app', ['-Fc', '-f', path.join(SNAPSHOTS, 'foreign.dump')]);

    // Big enough to fill a small disk while it restores (about 100 MB in the database, 30 MB dumped).
    await admin.query('CREATE DATABASE bulky TEMPLATE base');
    const bulky = new pg.Client(box.conn('bulky'));
    await bulky.connect();
    await bulky.query(`CREATE TABLE shop_archive AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS body
      FROM generate_series(1, 800000) g`);
    await bulky.end();
    await dump('bulky', ['-Fc', '-f', path.join(SNAPSHOTS, 'bulky.dump')]);

    for (const scenario of readdirSync(path.join(FIXTURES, 'scenarios'))) {
      const history = path.join(FIXTURES, 'scenarios', scenario, 'history.sql');
      if (!existsSync(history)) continue;
      const db = `s_${scenario.replace(/\W/g, '_')}`;
      await admin.query(`CREATE DATABASE ${db} TEMPLATE base`);
      const c = new pg.Client(box.conn(db));
      await c.connect();
      await c.query(readFileSync(history, 'utf8'));
      await c.end();
      await dump(db, ['-Fc', '-f', path.join(SNAPSHOTS, `${scenario}.dump`)]);
    }
    await admin.end();
    writeFileSync(stamp, fixturesDigest());
  } finally {
    await cleanup.drain();
  }
}

/** Rebuild when any fixture changes. */
function fixturesDigest(): string {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(`${path.relative(FIXTURES, p)}:${readFileSync(p).length}:${hash(readFileSync(p, 'utf8'))}`);
    }
  };
  walk(FIXTURES);
  // RECIPE: bump when this builder changes what it dumps.
  const RECIPE = 3;
  return files.sort().join('\n') + `\n${os.userInfo().username}\nrecipe ${RECIPE}`;
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

/** The snapshot a scenario rehearses on: its own if it has a history.sql, else the base. */
export function snapshotFor(scenario: string): string {
  const own = path.join(SNAPSHOTS, `${scenario}.dump`);
  return existsSync(own) ? own : path.join(SNAPSHOTS, 'base.dump');
}
