#!/usr/bin/env node
// `npm run bench`: what rehearse costs on top of the plain commands.
//
// For each size of untouched data (default 0.1 GB and 1 GB: ten times more), a
// snapshot holds the test fixture's small shop tables plus one big table no
// migration touches; the release adds a column to one small table. We time the
// plain commands a team would otherwise run (pg_restore -j, manage.py migrate)
// and a full rehearsal, and print the ratios. The checks' overhead (observeMs)
// should stay near constant while the untouched data grows tenfold.
//   npm run bench                     sizes 0.1 and 1 (GB of untouched data)
//   npm run bench -- --sizes 0.05,0.5
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pg from 'pg';
import { Cleanup } from '../dist/cleanup.js';
import { LocalSandbox } from '../dist/sandbox/local/cluster.js';
import { libpqEnv } from '../dist/sandbox/provider.js';
import { SHIM_MODULE, writeSettingsShim } from '../dist/django/shim.js';
import { buildSnapshot } from './lib/snapshot-builder.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, '.cache', 'bench');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const ROWS_PER_GB = 10_000_000; // ~100 bytes a row in the uncompressed dump
const say = (m) => process.stderr.write(`bench: ${m}\n`);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

function sizesFrom(argv) {
  const i = argv.indexOf('--sizes');
  return (i >= 0 ? argv[i + 1] : '0.1,1').split(',').map(Number);
}

function project() {
  const dir = path.join(CACHE, 'project');
  rmSync(dir, { recursive: true, force: true });
  cpSync(path.join(FIXTURES, 'base'), dir, { recursive: true });
  cpSync(path.join(FIXTURES, 'scenarios', 'additive'), dir, { recursive: true });
  return dir;
}

async function snapshot(sizeGb, proj, python) {
  const out = path.join(CACHE, `untouched-${sizeGb}gb.dump`);
  if (existsSync(out)) return out;
  const rows = Math.round(sizeGb * ROWS_PER_GB);
  say(`building a snapshot with ${sizeGb} GB of untouched data (${rows.toLocaleString()} rows) ...`);
  const built = await buildSnapshot({
    project: proj,
    settings: 'shop_site.settings',
    python,
    targets: [['shop', '0002_customer_city'], ['auth']],
    sql: [
      readFileSync(path.join(FIXTURES, 'base', 'seed.sql'), 'utf8'),
      `CREATE TABLE bench_event (id bigserial PRIMARY KEY, a text NOT NULL, b text NOT NULL, n int NOT NULL, at timestamptz NOT NULL);
       INSERT INTO bench_event (a, b, n, at)
       SELECT md5(g::text), md5((g * 7)::text), g % 1000, timestamptz '2024-01-01' + g * interval '1 second'
       FROM generate_series(1, ${rows}) g;`,
    ],
    out,
    dumpArgs: ['-Fc', '-Z', '0'], // uncompressed: the dump is as large as the data
  });
  say(`  ${out}: ${(built.bytes / 1e9).toFixed(2)} GB, built in ${secs(built.ms)}`);
  return out;
}

/** The plain commands: pg_restore -j into a fresh database, then manage.py migrate. */
async function plain(dump, proj, python) {
  const cleanup = new Cleanup();
  try {
    const box = await LocalSandbox.start(cleanup);
    const admin = new pg.Client(box.conn('postgres'));
    await admin.connect();
    await admin.query('CREATE DATABASE raw');
    await admin.end();
    let t = performance.now();
    await execa(box.clientTool('pg_restore'), ['-j', String(Math.max(2, Math.min(8, os.cpus().length))), '--no-owner', '--no-privileges', '-d', 'raw', dump],
      { env: libpqEnv(box.conn('raw')) });
    const restoreMs = performance.now() - t;
    const shim = writeSettingsShim(path.join(box.dir, 'shim'), box.conn('raw'));
    t = performance.now();
    await execa(python, ['manage.py', 'migrate', '--noinput'], {
      cwd: proj,
      env: { PYTHONPATH: shim, DJANGO_SETTINGS_MODULE: SHIM_MODULE, REHEARSE_ORIGINAL_SETTINGS: 'shop_site.settings', PYTHONDONTWRITEBYTECODE: '1' },
    });
    return { restoreMs, migrateMs: performance.now() - t };
  } finally {
    await cleanup.drain();
  }
}

async function rehearsal(dump, proj, python) {
  const t = performance.now();
  const r = await execa(path.join(ROOT, 'bin', 'rehearse'), ['run', '--project', proj, '--snapshot', dump, '--python', python, '--format', 'json'],
    { reject: false, env: { CI: 'true' } });
  const report = JSON.parse(r.stdout);
  if (report.exitCode !== 0) throw new Error(`the rehearsal did not pass: ${report.error ?? JSON.stringify(report.findings.map((f) => f.code))}`);
  return { totalMs: performance.now() - t, ...report.timings };
}

/** `rehearse plan` on the same dump: the static verdict, no server. */
async function staticPlan(dump, proj, python) {
  const t = performance.now();
  const r = await execa(path.join(ROOT, 'bin', 'rehearse'), ['plan', '--project', proj, '--snapshot', dump, '--python', python, '--format', 'json'],
    { reject: false, env: { CI: 'true' } });
  const report = JSON.parse(r.stdout);
  if (report.exitCode !== 0) throw new Error(`the plan did not pass: ${report.error ?? JSON.stringify(report.findings.map((f) => f.code))}`);
  return performance.now() - t;
}

async function main() {
  mkdirSync(CACHE, { recursive: true });
  const python = (await execa(path.join(ROOT, 'scripts', 'ensure-venv.sh'))).stdout.trim().split('\n').pop();
  const proj = project();
  const results = [];
  for (const size of sizesFrom(process.argv.slice(2))) {
    const dump = await snapshot(size, proj, python);
    say(`measuring ${size} GB ...`);
    const p = await plain(dump, proj, python);
    const r = await rehearsal(dump, proj, python);
    const planMs = await staticPlan(dump, proj, python);
    results.push({ size, p, r, planMs });
  }
  const rows = [
    ['untouched data', 'pg_restore', 'rehearse restore', 'ratio', 'clone', 'migrate', 'rehearse migrate x3', 'checks', 'rehearse total', 'total / (restore + migrate)', 'rehearse plan', 'run / plan'],
    ...results.map(({ size, p, r, planMs }) => [
      `${size} GB`, secs(p.restoreMs), secs(r.restoreMs), (r.restoreMs / p.restoreMs).toFixed(2), secs(r.cloneMs),
      secs(p.migrateMs), secs(r.migrateMs), secs(r.observeMs), secs(r.totalMs), (r.totalMs / (p.restoreMs + p.migrateMs)).toFixed(2),
      secs(planMs), (r.totalMs / planMs).toFixed(1),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
  console.log('\nrehearse migrate x3: forward, backward and forward again, in one Django process (the plain migrate runs forward once).');
  console.log('clone: CREATE DATABASE … TEMPLATE, the copy the rehearsal migrates (a file copy, proportional to size).');
  console.log('checks: everything rehearse observes (schema fingerprints, the data watch) on top of the migrations.');
  console.log('rehearse plan: the static verdict (django_migrations read from the dump, the files, the lint); no server, so it does not grow with the data.');
  if (results.length >= 2) {
    const [a, b] = [results[0], results[results.length - 1]];
    console.log(`untouched data grew ${(b.size / a.size).toFixed(0)}x; the checks' overhead went from ${secs(a.r.observeMs)} to ${secs(b.r.observeMs)} (${(b.r.observeMs / a.r.observeMs).toFixed(2)}x).`);
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${err.shortMessage ?? err.message}\n`);
  process.exitCode = 1;
});
