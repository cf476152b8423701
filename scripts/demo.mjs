#!/usr/bin/env node
// `npm run demo`: rehearse release 1 of the bundled forum-blog example on its
// "production" snapshot, exactly as a pipeline would, and show the gate halting it.
//   npm run demo                      release 1 (reaches the rollback phase; exit 1)
//   npm run demo -- --release 2       adds release 2 (a NOT NULL that fails on production rows)
//   npm run demo:snapshot             only (re)build the snapshot
// Anything else after `--` goes to `rehearse run` (e.g. --report-dir reports, --format json).
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { buildSnapshot } from './lib/snapshot-builder.mjs';

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

async function ensureSnapshot(python) {
  const stamp = `${SNAPSHOT}.recipe`;
  const digest = recipeDigest();
  if (existsSync(SNAPSHOT) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  say('building the production snapshot (deterministic, ~290k rows) ...');
  mkdirSync(CACHE, { recursive: true });
  const built = await buildSnapshot({
    project: EXAMPLE,
    settings: 'forumblog.settings',
    python,
    targets: RELEASED,
    sql: ['seed.sql', 'ghost.sql'].map((f) => readFileSync(path.join(EXAMPLE, 'snapshot', f), 'utf8')),
    out: SNAPSHOT,
  });
  writeFileSync(stamp, digest);
  say(`snapshot ready: ${path.relative(process.cwd(), SNAPSHOT)} (${built.rows} rows, ${(built.bytes / 1e6).toFixed(1)} MB, ${(built.ms / 1000).toFixed(1)} s)`);
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
  await ensureSnapshot(python);
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
