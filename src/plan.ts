// `rehearse plan`: what can be known without a database, in seconds on a
// snapshot of any size. The snapshot's django_migrations rows are read from the
// dump file (snapshot/history.ts); Django reads the migration files with that
// history standing in for its recorder and no connection
// (python/rehearse_runner/offline.py). Reported: the pending plan, the history
// findings, the irreversible pending migrations, and the SQL lint. No server is
// started; `run` measures what this can only suspect.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inspectStatic } from './checks/index.js';
import { lintFindings } from './checks/lock-risk.js';
import type { Cleanup } from './cleanup.js';
import { CannotRehearseError } from './errors.js';
import { keyOf, type Introspection } from './django/introspection.js';
import { DjangoRunner } from './django/runner.js';
import { writeSettingsShim } from './django/shim.js';
import { lintPlan } from './lint/index.js';
import { applyPolicy, type Policy } from './policy.js';
import { projectOf } from './rehearsal.js';
import type { Events } from './report/events.js';
import { notRun, type FindingWithPatch } from './report/model.js';
import { findPgRestore } from './sandbox/local/pgbin.js';
import { makeTempDir } from './sandbox/tmp.js';
import { detectSnapshot } from './snapshot/detect.js';
import { readRecordedHistory } from './snapshot/history.js';
import { assertRestorable } from './snapshot/restore.js';

export interface PlanOptions {
  project: string;
  snapshot: string;
  python?: string;
  settings?: string;
  /** Where pg_restore is, for archive dumps (--pg-bin). */
  pgBin?: string;
  policy: Policy;
}

/** A port nothing listens on: Django's settings point there, so a stray connection fails at once. */
const NOWHERE = { host: '127.0.0.1', port: 9, user: 'rehearse-plan', database: 'rehearse_plan_offline' };

/** The static verdict's findings reach the report as events; returned too, with Django's view, for the interactive mode. */
export async function planRelease(opts: PlanOptions, cleanup: Cleanup, events: Events): Promise<{ intro: Introspection; findings: FindingWithPatch[] }> {
  const { projectDir, managePy, python } = projectOf(opts);
  const snapshot = await detectSnapshot(opts.snapshot);
  events.emit({ type: 'static' });
  events.emit({ type: 'snapshot', snapshot: { path: snapshot.path, format: snapshot.format, serverVersion: snapshot.serverVersion ?? null, bytes: snapshot.bytes } });

  events.phase('restore', 'reading django_migrations from the dump (no server)');
  const archive = snapshot.format !== 'plain' && snapshot.format !== 'plain-gzip';
  const pgBin = archive ? await findPgRestore(opts.pgBin) : undefined;
  // pg_restore cannot read an archive a newer pg_dump wrote.
  if (pgBin) assertRestorable(snapshot, { serverMajor: pgBin.major, serverVersion: pgBin.version });
  const applied = await events.timed('restoreMs', () => readRecordedHistory(snapshot, pgBin?.dir ?? ''));
  // As run refuses it (src/snapshot/not-django.ts): with no history every migration looks pending.
  if (!applied) throw new CannotRehearseError('the snapshot has no django_migrations table: it is not of a Django database, or it was dumped without it (--exclude-table?)');
  events.note(`${applied.length} migration(s) recorded as applied`);
  cleanup.throwIfInterrupted();

  events.phase('django', `reading the migration files of ${path.relative(process.cwd(), managePy) || managePy} (no database)`);
  const shimDir = makeTempDir('django-');
  cleanup.add('settings shim', async () => rmSync(shimDir, { recursive: true, force: true }));
  writeSettingsShim(shimDir, NOWHERE);
  const offline = path.join(shimDir, 'offline.json');
  const versionNum = snapshot.serverVersion ? versionNumOf(snapshot.serverVersion) : undefined;
  writeFileSync(offline, JSON.stringify({ applied, ...(versionNum ? { serverVersionNum: versionNum } : {}) }));
  const runner = await DjangoRunner.start({
    python, managePy, shimDir, cleanup, offline, database: NOWHERE,
    ...(opts.settings ? { settings: opts.settings } : {}),
    onLog: (text) => events.emit({ type: 'django-output', text }),
  });
  const intro = await runner.introspect();
  events.emit({ type: 'django', version: intro.djangoVersion, ...(opts.settings ? { settings: opts.settings } : {}) });
  const migrations = intro.plan.map(([app, migration]) => notRun({ app, migration }));
  events.emit({ type: 'plan', plan: migrations.map(({ app, migration }) => ({ app, migration })) });
  events.note(`Django ${intro.djangoVersion}; ${intro.plan.length} pending migration(s)` +
    (intro.plan.length ? `: ${intro.plan.map(([a, n]) => keyOf(a, n)).join(', ')}` : ''));
  const lint = lintPlan(await runner.sqlPlan());
  await runner.stop(5000);

  events.phase('checks');
  const drafts = [...inspectStatic({ projectDir, intro, migrations }), ...lintFindings(lint, new Set(), false)];
  const findings = applyPolicy(drafts, opts.policy);
  for (const finding of findings) events.emit({ type: 'finding', finding });
  return { intro, findings };
}

/** "15.8" → 150008, as PostgreSQL's server_version_num. */
function versionNumOf(version: string): number | undefined {
  const [major, minor] = version.split('.').map(Number);
  if (!major) return undefined;
  return major >= 10 ? major * 10000 + (minor ?? 0) : major * 10000 + (minor ?? 0) * 100;
}
