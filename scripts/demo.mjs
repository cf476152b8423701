#!/usr/bin/env node
// `npm run demo`: rehearse release 1 of the bundled forum-blog example on its
// "production" snapshot, exactly as a pipeline would, and show the gate halting it.
//   npm run demo                      release 1 (reaches the rollback phase; exit 1)
//   npm run demo -- --release 2       adds release 2 (a NOT NULL that fails on production rows)
//   npm run demo:snapshot             only (re)build the snapshot
// Anything else after `--` goes to `rehearse run` (e.g. --report-dir reports, --format json).
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pg from 'pg';
import { Cleanup } from '../dist/cleanup.js';
import { LocalSandbox } from '../dist/sandbox/local.js';
import { libpqEnv } from '../dist/sandbox/provider.js';
import { SHIM_MODULE, writeSettingsShim } from '../dist/django/shim.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = path.join(ROOT, 'examples', 'forum-blog');
const CACHE = path.join(ROOT, '.cache', 'demo');
const SNAPSHOT = path.join(CACHE, 'forum-blog.dump');
const say = (msg) => process.stderr.write(`demo: ${msg}\n`);

// The state production is in: every migration of the last deploy, nothing of release 1.
const RELEASED = [
  ['accounts', '0001_initial'],
  ['forum', '0001_initial'],
  ['forum_integration', '0005_add_badge_gamification_models'],
  ['blog', '0007_exercisepage_sequence_number'],
  ['contenttypes'],
  ['auth'],
];

function parseArgs(argv) {
  const out = { release: 1, snapshotOnly: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--release') out.release = Number(argv[++i]);
    else if (argv[i] === '--snapshot-only') out.snapshotOnly = true;
    else out.rest.push(argv[i]);
  }
  if (![1, 2].includes(out.release)) throw new Error('--release is 1 or 2');
  return out;
}

async function ensureVenv() {
  const venv = path.join(EXAMPLE, '.venv');
  if (!existsSync(path.join(venv, 'bin', 'python'))) say('creating the example\'s Python venv (Django 5.2, psycopg) ...');
  const r = await execa(path.join(ROOT, 'scripts', 'ensure-venv.sh'), [venv], { stderr: 'inherit' });
  return r.stdout.trim().split('\n').pop();
}

/** Rebuild the snapshot whenever the recipe or the migrations it depends on change. */
function recipeDigest() {
  const h = createHash('sha256');
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!['.venv', '__pycache__', 'releases'].includes(e.name)) walk(p);
      } else if (/\.(py|sql)$/.test(e.name)) files.push(p);
    }
  };
  walk(EXAMPLE);
  for (const f of files.sort()) h.update(path.relative(EXAMPLE, f)).update(readFileSync(f));
  return h.digest('hex');
}

async function buildSnapshot(python) {
  const stamp = `${SNAPSHOT}.recipe`;
  const digest = recipeDigest();
  if (existsSync(SNAPSHOT) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  const started = Date.now();
  say('building the production snapshot (deterministic, ~290k rows) ...');
  mkdirSync(CACHE, { recursive: true });
  const cleanup = new Cleanup();
  const uninstall = cleanup.installSignalHandlers();
  try {
    const box = await LocalSandbox.start(cleanup);
    const admin = new pg.Client(box.conn('postgres'));
    await admin.connect();
    await admin.query('CREATE DATABASE forumblog');
    await admin.end();
    const shim = writeSettingsShim(path.join(box.dir, 'shim'), box.conn('forumblog'));
    const env = { PYTHONPATH: shim, DJANGO_SETTINGS_MODULE: SHIM_MODULE, REHEARSE_ORIGINAL_SETTINGS: 'forumblog.settings', PYTHONDONTWRITEBYTECODE: '1' };
    for (const target of RELEASED) {
      await execa(python, ['manage.py', 'migrate', '--noinput', ...target], { cwd: EXAMPLE, env });
    }
    const db = new pg.Client(box.conn('forumblog'));
    await db.connect();
    for (const file of ['seed.sql', 'ghost.sql']) await db.query(readFileSync(path.join(EXAMPLE, 'snapshot', file), 'utf8'));
    await db.query('ANALYZE');
    const rows = await db.query(`SELECT sum(n_live_tup)::int AS n FROM pg_stat_user_tables`);
    await db.end();
    const tmp = `${SNAPSHOT}.tmp`;
    await execa(box.clientTool('pg_dump'), ['-Fc', '-f', tmp, 'forumblog'], { env: libpqEnv(box.conn('forumblog')) });
    renameSync(tmp, SNAPSHOT);
    writeFileSync(stamp, digest);
    say(`snapshot ready: ${path.relative(process.cwd(), SNAPSHOT)} (${rows.rows[0].n} rows, ${(statSync(SNAPSHOT).size / 1e6).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    await cleanup.run();
    uninstall();
    rmSync(`${SNAPSHOT}.tmp`, { force: true });
  }
}

function projectFor(release) {
  if (release === 1) return EXAMPLE;
  const dir = path.join(CACHE, `release-${release}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !/\/(\.venv|releases|__pycache__)(\/|$)/.test(src) });
  for (let r = 2; r <= release; r++) cpSync(path.join(EXAMPLE, 'releases', String(r)), dir, { recursive: true });
  return dir;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const python = await ensureVenv();
  await buildSnapshot(python);
  if (args.snapshotOnly) return 0;
  const project = projectFor(args.release);
  say(`rehearsing release ${args.release} of examples/forum-blog on ${path.relative(process.cwd(), SNAPSHOT)}\n`);
  const r = await execa(path.join(ROOT, 'bin', 'rehearse'),
    ['run', '--project', project, '--snapshot', SNAPSHOT, '--python', python, ...args.rest],
    { stdio: 'inherit', reject: false });
  return r.exitCode ?? 3;
}

main().then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`demo: ${err.shortMessage ?? err.message}\n`); process.exitCode = 3; },
);
