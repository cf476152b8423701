#!/usr/bin/env node
// `npm run bench`: what a rehearsal costs against the plain commands a person
// would type on the same machine, at two snapshot sizes.
//
// The snapshots are deterministic and cached (.cache/bench): the test fixture's
// shop tables plus a benchmark app (scripts/bench/bench) with a narrow big table
// (events), a wide one with text (documents, foreign keys, indexes), a mid-size
// one (tags) and small ones. The pending release is what real ones look like:
// an additive column on the wide table, a data migration over the mid-size one,
// an index on the biggest, and a RemoveField on a small one (its loss allowed).
//
// The floor: a default `initdb` cluster, `pg_restore -j`, `manage.py migrate`
// forward, back to the snapshot's state and forward again. Printed, as medians
// over --runs:
//   R1  rehearse cold run / the floor, at each size        goal <= 1.0
//   R2  rehearse warm rerun (cached template) / pg_restore  goal <= 0.15
//   R3  the checks' time at the large size / the small one  goal <= 1.5
//   RSS the rehearse process's peak resident memory          goal <= 200 MB
//   per-migration overhead against the floor's migrate       goal <= 50 ms
// Results go to .cache/bench/results.json; --compare FILE prints the change.
//   npm run bench                       sizes 0.5 and 4 (GB restored), 3 runs
//   npm run bench -- --sizes 0.05,0.4 --runs 1
//   npm run bench -- --compare old-results.json
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pg from 'pg';
import { freePort } from '../dist/sandbox/port.js';
import { findPgBin } from '../dist/sandbox/local/pgbin.js';
import { SHIM_MODULE, writeSettingsShim } from '../dist/django/shim.js';
import { buildSnapshot } from './lib/snapshot-builder.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, '.cache', 'bench');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const RESULTS = path.join(CACHE, 'results.json');
const MIGRATIONS = 4; // the release: bench 0002..0005
const ALLOW = ['--allow-loss', 'bench_flag.legacy'];
const say = (m) => process.stderr.write(`bench: ${m}\n`);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

function argOf(argv, flag, fallback) {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : fallback;
}

function project() {
  const dir = path.join(CACHE, 'project');
  rmSync(dir, { recursive: true, force: true });
  cpSync(path.join(FIXTURES, 'base'), dir, { recursive: true, filter: (s) => !s.endsWith('seed.sql') });
  cpSync(path.join(ROOT, 'scripts', 'bench', 'bench'), path.join(dir, 'bench'), { recursive: true });
  const settings = path.join(dir, 'shop_site', 'settings.py');
  writeFileSync(settings, `${readFileSync(settings, 'utf8')}\nINSTALLED_APPS += ["bench"]\n`);
  return dir;
}

/**
 * Rows per GB (GiB) restored, measured on this data (heap, TOAST and indexes):
 * size 4 restores to 4.06 GiB, size 0.5 to 0.53.
 */
const PER_GB = { events: 5_550_000, documents: 740_000, authors: 10_000 };
/**
 * The mid-size table the data migration writes has the same rows at every
 * size: the release then does the same work on both snapshots, and R3 shows
 * what the rest of the snapshot costs the checks (whose cost follows the rows
 * written, by design: each written row is compared). Until 2026-12 it grew
 * with the snapshot, so the large run wrote 8x the rows (R3 4.09 then).
 */
const TAGS = 150_000;
/** Part of the dumps' names: a change to what they hold builds them again. */
const LAYOUT = 'v2';

async function snapshot(sizeGb, proj, python) {
  const out = path.join(CACHE, `release-${sizeGb}gb-${LAYOUT}.dump`);
  if (existsSync(out)) return out;
  const n = { ...Object.fromEntries(Object.entries(PER_GB).map(([k, v]) => [k, Math.max(100, Math.round(v * sizeGb))])), tags: TAGS };
  say(`building a ${sizeGb} GB snapshot (${n.events.toLocaleString()} events, ${n.documents.toLocaleString()} documents, ${n.tags.toLocaleString()} tags) ...`);
  const built = await buildSnapshot({
    project: proj,
    settings: 'shop_site.settings',
    python,
    targets: [['shop', '0002_customer_city'], ['auth'], ['bench', '0001_initial']],
    sql: [
      readFileSync(path.join(FIXTURES, 'base', 'seed.sql'), 'utf8'),
      `INSERT INTO bench_author (name) SELECT 'author ' || g FROM generate_series(1, ${n.authors}) g;
       INSERT INTO bench_flag (name, legacy) SELECT 'flag ' || g, g % 3 = 0 FROM generate_series(1, 1000) g;
       INSERT INTO bench_tag (name, slug) SELECT 'Tag ' || g, CASE WHEN g % 4 = 0 THEN NULL ELSE 'tag-' || g END FROM generate_series(1, ${n.tags}) g;
       INSERT INTO bench_event (kind, n, at)
         SELECT (ARRAY['page_view', 'click', 'signup', 'purchase', 'refund'])[1 + g % 5], g % 1000, timestamptz '2024-01-01' + g * interval '1 second'
         FROM generate_series(1, ${n.events}) g;
       INSERT INTO bench_document (author_id, title, body, status, score, tags, created)
         SELECT 1 + g % ${n.authors}, 'Document ' || g || ' about ' || md5(g::text),
                substr(repeat('Lorem ipsum dolor sit amet, ' || md5(g::text) || ' consectetur adipiscing elit. ', 8), 1 + g % 40, 480),
                (ARRAY['draft', 'review', 'published'])[1 + g % 3], (g % 10000) / 100.0,
                jsonb_build_array('t' || g % 17, 't' || g % 23), timestamptz '2023-01-01' + g * interval '1 minute'
         FROM generate_series(1, ${n.documents}) g;`,
    ],
    out,
  });
  say(`  ${out}: ${(built.bytes / 1e9).toFixed(2)} GB dumped, built in ${secs(built.ms)}`);
  return out;
}

/** A default cluster, as `initdb` makes it (only the port and socket dir chosen), run as postgres when we are root. */
async function defaultCluster() {
  const bin = await findPgBin();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-bench-raw-'));
  const root = process.getuid?.() === 0;
  const as = root ? ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups'] : [];
  if (root) {
    const id = async (f) => Number((await execa('id', [f, 'postgres'])).stdout);
    chownSync(dir, await id('-u'), await id('-g'));
  }
  chmodSync(dir, 0o700);
  const run = (cmd, args, o = {}) => (root ? execa(as[0], [...as.slice(1), cmd, ...args], o) : execa(cmd, args, o));
  await run(path.join(bin.dir, 'initdb'), ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-instructions']);
  const port = await freePort();
  const server = run(path.join(bin.dir, 'postgres'), ['-D', path.join(dir, 'data'), '-p', String(port), '-k', dir, '-c', "listen_addresses=127.0.0.1"],
    { reject: false, stdio: 'ignore' });
  const conn = (database) => ({ host: '127.0.0.1', port, user: 'postgres', database });
  for (let i = 0; ; i++) {
    const c = new pg.Client(conn('postgres'));
    try {
      await c.connect();
      await c.end();
      break;
    } catch {
      if (i > 300) throw new Error('the default cluster did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    bin, conn,
    async stop() {
      server.kill('SIGINT');
      await server;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The floor: pg_restore -j into a default cluster, then migrate forward, back and forward again. */
async function floor(dump, proj, python) {
  const box = await defaultCluster();
  try {
    const admin = new pg.Client(box.conn('postgres'));
    await admin.connect();
    await admin.query('CREATE DATABASE raw');
    await admin.end();
    const env = { PGHOST: '127.0.0.1', PGPORT: String(box.conn('raw').port), PGUSER: 'postgres', PGDATABASE: 'raw' };
    let t = performance.now();
    await execa(path.join(box.bin.dir, 'pg_restore'), ['-j', String(Math.max(2, Math.min(8, os.cpus().length))), '--no-owner', '--no-privileges', '-d', 'raw', dump], { env });
    const restoreMs = performance.now() - t;
    const sized = new pg.Client(box.conn('raw'));
    await sized.connect();
    const restoredBytes = Number((await sized.query("SELECT pg_database_size('raw') AS n")).rows[0].n);
    await sized.end();
    const shim = writeSettingsShim(mkdtempSync(path.join(os.tmpdir(), 'rehearse-bench-shim-')), { ...box.conn('raw'), password: '' });
    const djangoEnv = { PYTHONPATH: shim, DJANGO_SETTINGS_MODULE: SHIM_MODULE, REHEARSE_ORIGINAL_SETTINGS: 'shop_site.settings', PYTHONDONTWRITEBYTECODE: '1' };
    const migrate = (...a) => execa(python, ['manage.py', 'migrate', '--noinput', ...a], { cwd: proj, env: djangoEnv });
    t = performance.now();
    await migrate();
    const forwardMs = performance.now() - t;
    await migrate('bench', '0001_initial');
    await migrate();
    const migrateMs = performance.now() - t;
    rmSync(shim, { recursive: true, force: true });
    return { restoreMs, forwardMs, migrateMs, totalMs: restoreMs + migrateMs, restoredBytes };
  } finally {
    await box.stop();
  }
}

/** One `rehearse run`, its wall time and the peak RSS of its process (VmHWM, read while it runs). */
async function rehearse(dump, proj, python, cacheDir) {
  const t = performance.now();
  const child = execa(path.join(ROOT, 'bin', 'rehearse'), ['run', '--project', proj, '--snapshot', dump, '--python', python,
    '--format', 'json', '--cache-dir', cacheDir, ...ALLOW], { reject: false, env: { CI: 'true' } });
  let rssKb = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) rssKb = Math.max(rssKb, Number(m[1]));
    } catch { /* gone */ }
  }, 100);
  const r = await child;
  clearInterval(poll);
  const totalMs = performance.now() - t;
  const report = JSON.parse(r.stdout);
  if (report.exitCode !== 0) throw new Error(`the rehearsal did not pass: ${report.error ?? JSON.stringify(report.findings.filter((f) => !f.allowed && f.severity === 'error').map((f) => f.code))}`);
  return { totalMs, rssMb: rssKb / 1024, ...report.timings };
}

async function measure(size, proj, python, runs) {
  const dump = await snapshot(size, proj, python);
  const raw = [];
  const cold = [];
  const warm = [];
  for (let i = 0; i < runs; i++) {
    say(`${size} GB, run ${i + 1} of ${runs}: the plain commands ...`);
    raw.push(await floor(dump, proj, python));
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-bench-cache-'));
    try {
      say(`${size} GB, run ${i + 1} of ${runs}: rehearse, cold then warm ...`);
      cold.push(await rehearse(dump, proj, python, cacheDir));
      warm.push(await rehearse(dump, proj, python, cacheDir));
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  const med = (list, key) => median(list.map((x) => x[key]));
  const m = {
    size,
    restoredGb: raw[0].restoredBytes / 1024 ** 3,
    raw: { restoreMs: med(raw, 'restoreMs'), forwardMs: med(raw, 'forwardMs'), migrateMs: med(raw, 'migrateMs'), totalMs: med(raw, 'totalMs') },
    cold: Object.fromEntries(['totalMs', 'restoreMs', 'cloneMs', 'migrateMs', 'observeMs', 'rssMb'].map((k) => [k, med(cold, k)])),
    warm: Object.fromEntries(['totalMs', 'sandboxMs', 'cloneMs', 'migrateMs', 'observeMs', 'rssMb'].map((k) => [k, med(warm, k)])),
  };
  m.R1 = m.cold.totalMs / m.raw.totalMs;
  m.R2 = m.warm.totalMs / m.raw.restoreMs;
  // What the cache itself decides: a ready work database (sandbox up, template cloned) against a restore.
  m.R2ready = (m.warm.sandboxMs + m.warm.cloneMs) / m.raw.restoreMs;
  m.perMigrationMs = (m.cold.migrateMs - m.raw.migrateMs) / (3 * MIGRATIONS);
  return m;
}

function table(results, R3) {
  const rows = [
    ['snapshot', 'restored', 'pg_restore', 'floor total', 'rehearse cold', 'R1', 'warm', 'R2', 'R2 ready', 'restore', 'clone', 'migrate x3 (floor)', 'checks', 'per migration', 'peak RSS'],
    ...results.map((m) => [
      `${m.size} GB`, `${m.restoredGb.toFixed(2)} GB`, secs(m.raw.restoreMs), secs(m.raw.totalMs), secs(m.cold.totalMs), m.R1.toFixed(2), secs(m.warm.totalMs), m.R2.toFixed(2), m.R2ready.toFixed(2),
      secs(m.cold.restoreMs), secs(m.cold.cloneMs), `${secs(m.cold.migrateMs)} (${secs(m.raw.migrateMs)})`, secs(m.cold.observeMs),
      `${m.perMigrationMs.toFixed(0)} ms`, `${Math.max(m.cold.rssMb, m.warm.rssMb).toFixed(0)} MB`,
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const lines = rows.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  '));
  lines.push('', 'floor: a default initdb cluster, pg_restore -j, manage.py migrate forward, back and forward again (three Django start-ups).',
    'R1 = rehearse cold / floor (goal <= 1.0); R2 = rehearse warm rerun / pg_restore (goal <= 0.15);',
    'R2 ready = a warm run\'s work database ready (cached template started and cloned) / pg_restore: the part the cache decides;',
    'per migration = (rehearse migrate x3 - floor migrate x3) / (3 x 4 migrations) (goal <= 50 ms); peak RSS goal <= 200 MB.');
  if (R3 !== undefined) lines.push(`R3 = checks at ${results.at(-1).size} GB / at ${results[0].size} GB = ${R3.toFixed(2)} (goal <= 1.5)`);
  return lines.join('\n');
}

function compare(previous, now) {
  const pick = (r) => Object.fromEntries(r.sizes.flatMap((m) => [[`R1 ${m.size} GB`, m.R1], [`R2 ${m.size} GB`, m.R2], [`R2 ready ${m.size} GB`, m.R2ready],
    [`per migration ${m.size} GB (ms)`, m.perMigrationMs], [`peak RSS ${m.size} GB (MB)`, Math.max(m.cold.rssMb, m.warm.rssMb)]]).concat([['R3', r.R3]]));
  const a = pick(previous);
  const b = pick(now);
  const lines = [`compared with ${previous.date} (${previous.machine.cpus} cpus):`];
  for (const k of Object.keys(b)) {
    if (a[k] === undefined || b[k] === undefined) continue;
    const d = b[k] - a[k];
    lines.push(`  ${k.padEnd(28)} ${a[k].toFixed(2).padStart(9)} -> ${b[k].toFixed(2).padStart(9)}  (${d >= 0 ? '+' : ''}${((d / a[k]) * 100).toFixed(0)}%)`);
  }
  return lines.join('\n');
}

async function main() {
  const argv = process.argv.slice(2);
  const sizes = argOf(argv, '--sizes', '0.5,4').split(',').map(Number);
  const runs = Number(argOf(argv, '--runs', '3'));
  const against = argOf(argv, '--compare', undefined);
  mkdirSync(CACHE, { recursive: true });
  const python = (await execa(path.join(ROOT, 'scripts', 'ensure-venv.sh'))).stdout.trim().split('\n').pop();
  const proj = project();
  const results = [];
  for (const size of sizes) results.push(await measure(size, proj, python, runs));
  const R3 = results.length >= 2 ? results.at(-1).cold.observeMs / results[0].cold.observeMs : undefined;
  const out = { date: new Date().toISOString(), machine: { cpus: os.cpus().length, memGb: Math.round(os.totalmem() / 1024 ** 3), node: process.version }, runs, sizes: results, R3 };
  console.log(table(results, R3));
  if (against) console.log(`\n${compare(JSON.parse(readFileSync(against, 'utf8')), out)}`);
  writeFileSync(RESULTS, JSON.stringify(out, null, 2));
  console.log(`\nresults: ${path.relative(process.cwd(), RESULTS)}`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err.shortMessage ?? err.message}\n`);
  process.exitCode = 1;
});
