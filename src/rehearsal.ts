// Puts a playbook, a sandbox and a project together: restore the snapshot into a
// template, clone it, run the pending migrations forward, back and forward again
// through manage.py, watch the schema after every step, and turn what was seen
// into findings and one verdict.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { CHECKS } from './checks/index.js';
import { pgConfig } from './db.js';
import type { Facts } from './checks/facts.js';
import type { Cleanup } from './cleanup.js';
import { keyOf, nodeMap, type MigrationKey, type NodeInfo } from './django/introspection.js';
import { DjangoRunner, type ManageResult } from './django/runner.js';
import { writeSettingsShim } from './django/shim.js';
import { UsageError } from './errors.js';
import { DataWatch } from './observe/data-watch.js';
import { evaluate, type InvariantResult, type When } from './observe/invariants.js';
import { fingerprint, type Fingerprint } from './observe/fingerprint.js';
import type { Playbook } from './playbook/schema.js';
import { applyPolicy, type Policy } from './policy.js';
import type { Finding, FindingWithPatch, MigrationRecord, Report, StepError } from './report/model.js';
import { verdictOf } from './report/model.js';
import type { Progress } from './report/progress.js';
import { identifiersIn } from './report/redact.js';
import { checkSandboxOptions, startSandbox, type SandboxOptions } from './sandbox/start.js';
import { tmpPrefix } from './sandbox/local.js';
import type { Sandbox } from './sandbox/provider.js';
import { detectSnapshot, type SnapshotInfo } from './snapshot/detect.js';
import { assertRestorable, restoreSnapshot } from './snapshot/restore.js';
import { VERSION } from './version.js';
import { formatBytes } from './format.js';


export interface RunOptions extends SandboxOptions {
  project: string;
  snapshot: string;
  python?: string;
  settings?: string;
  playbook: Playbook;
  policy: Policy;
}

export interface Prepared {
  projectDir: string;
  managePy: string;
  python: string;
  snapshot: SnapshotInfo;
}

/** Everything that can be checked before anything is started: bad input is exit 2. */
export async function prepare(opts: RunOptions): Promise<Prepared> {
  const projectDir = path.resolve(opts.project);
  if (!existsSync(projectDir) || !statSync(projectDir).isDirectory()) {
    throw new UsageError(`--project ${opts.project}: no such directory`);
  }
  const managePy = path.join(projectDir, 'manage.py');
  if (!existsSync(managePy)) throw new UsageError(`--project ${opts.project}: no manage.py there`);
  const python = resolvePython(opts.python, projectDir);
  await checkSandboxOptions(opts);
  const snapshot = await detectSnapshot(opts.snapshot);
  return { projectDir, managePy, python, snapshot };
}

function resolvePython(given: string | undefined, projectDir: string): string {
  if (given) {
    if (given.includes('/') && !existsSync(given)) throw new UsageError(`--python ${given}: no such file`);
    return given.includes('/') ? path.resolve(given) : given;
  }
  for (const venv of ['.venv', 'venv']) {
    const p = path.join(projectDir, venv, 'bin', 'python');
    if (existsSync(p)) return p;
  }
  return 'python3';
}

function stepError(r: ManageResult): StepError {
  const e = r.error ?? { type: 'Error', message: 'failed without an error message' };
  return {
    type: e.type,
    message: e.message,
    ...(e.sqlstate ? { sqlstate: e.sqlstate } : {}),
    ...(e.table_name ? { table: e.table_name } : {}),
    ...(e.column_name ? { column: e.column_name } : {}),
  };
}

const IRREVERSIBLE_ERROR = /IrreversibleError|is not reversible|cannot reverse this operation/i;

export async function rehearse(
  opts: RunOptions,
  prep: Prepared,
  cleanup: Cleanup,
  progress: Progress,
  report: Report,
): Promise<{ findings: FindingWithPatch[]; keepOpen?: () => Promise<void> }> {
  const { snapshot } = prep;
  report.snapshot = {
    path: snapshot.path,
    format: snapshot.format,
    serverVersion: snapshot.serverVersion ?? null,
    bytes: snapshot.bytes,
  };

  // Where the time goes, for `npm run bench`: what rehearse adds on top of the
  // plain restore and migrate is mostly observeMs.
  const timings = { sandboxMs: 0, restoreMs: 0, cloneMs: 0, migrateMs: 0, observeMs: 0 };
  report.timings = timings;
  const timed = async <T>(key: keyof typeof timings, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings[key] += Math.round(performance.now() - t0);
    }
  };

  progress.phase('sandbox', 'starting a throwaway PostgreSQL');
  const sandbox: Sandbox = await timed('sandboxMs', () => startSandbox(opts, cleanup, snapshot.serverMajor));
  report.sandbox = { kind: sandbox.kind, serverVersion: sandbox.serverVersion };
  assertRestorable(snapshot, sandbox);
  progress.step(`PostgreSQL ${sandbox.serverVersion} (${sandbox.kind})`);
  cleanup.throwIfInterrupted();

  // Django loads (settings, apps) while the snapshot restores: a broken project
  // fails fast, and a sound one costs no extra wall time. It touches the
  // database only when asked to introspect, after the clone exists.
  const shimDir = mkdtempSync(path.join(os.tmpdir(), tmpPrefix('django-')));
  cleanup.add('settings shim', async () => rmSync(shimDir, { recursive: true, force: true }));
  const { template: TEMPLATE_DB, work: WORK_DB } = sandbox.databases;
  writeSettingsShim(shimDir, sandbox.conn(WORK_DB));
  const starting = DjangoRunner.start({
    python: prep.python,
    managePy: prep.managePy,
    shimDir,
    ...(opts.settings ? { settings: opts.settings } : {}),
    cleanup,
    onLog: (t) => progress.django(t),
  });
  starting.catch(() => {}); // observed below; a restore error must not leave it unhandled

  progress.phase('restore', `${snapshot.format} snapshot, ${formatBytes(snapshot.bytes)}` +
    (snapshot.serverVersion ? `, dumped from PostgreSQL ${snapshot.serverVersion}` : ''));
  const restored = timed('restoreMs', () => restoreSnapshot(snapshot, sandbox, TEMPLATE_DB, (t) => progress.tick(`restore: ${t}`)));
  restored.catch(() => {});
  // Whichever fails first is the error to report.
  const [runner] = await Promise.all([starting, restored]);
  cleanup.throwIfInterrupted();
  await timed('cloneMs', () => sandbox.createDatabase(WORK_DB, TEMPLATE_DB));
  progress.step(`restored into ${TEMPLATE_DB}, cloned to ${WORK_DB}`);

  const work = new pg.Client(pgConfig(sandbox.conn(WORK_DB), 'rehearse-observer'));
  // A server going away (an interrupt) must surface on the next query, not crash the process.
  work.on('error', () => {});
  await work.connect();
  cleanup.add('observer connection', () => work.end().catch(() => {}));
  const observe = (): Promise<Fingerprint> => fingerprint(work);

  progress.phase('django', `introspecting ${path.relative(process.cwd(), prep.managePy) || prep.managePy}`);
  const intro = await runner.introspect();
  report.django = { version: intro.djangoVersion, ...(opts.settings ? { settings: opts.settings } : {}) };
  report.plan = intro.plan.map(([app, migration]) => ({ app, migration }));
  progress.step(`Django ${intro.djangoVersion}; ${intro.plan.length} pending migration(s)` +
    (intro.plan.length ? `: ${intro.plan.map(([a, n]) => keyOf(a, n)).join(', ')}` : ''));
  cleanup.throwIfInterrupted();

  progress.phase('baseline', 'reading the snapshot\'s schema and table identities');
  const baseline = await timed('observeMs', observe);
  const invariants: InvariantResult[] = [];
  const checkInvariants = async (when: When) => {
    const due = opts.playbook.invariants.filter((inv) => when === 'snapshot' || inv.after.includes(when));
    for (const inv of due) invariants.push(await timed('observeMs', () => evaluate(work, inv, when)));
  };
  await checkInvariants('snapshot');
  const data = new DataWatch(work, sandbox.conn(WORK_DB), sandbox.conn(TEMPLATE_DB));
  cleanup.add('data watch', () => data.close());
  await timed('observeMs', () => data.start());

  const migrations: MigrationRecord[] = intro.plan.map(([app, migration]) => ({
    app,
    migration,
    forward: { status: 'not-run' },
    backward: { status: 'not-run' },
    reforward: { status: 'not-run' },
  }));
  report.migrations = migrations;
  const schema: Facts['schema'] = { baseline, forward: [], backward: [] };
  let appliedAfterBackward: MigrationKey[] | undefined;

  const blocked = Object.keys(intro.conflicts).length > 0 || intro.inconsistent.length > 0 || !!intro.brokenGraph;
  if (blocked) {
    progress.phase('forward', 'skipped: Django refuses to migrate this history (see findings)');
  } else if (opts.playbook.steps.includes('forward')) {
    progress.phase('forward', `${migrations.length} migration(s)`);
    for (const [i, m] of migrations.entries()) {
      cleanup.throwIfInterrupted();
      const r = await timed('migrateMs', () => runner.migrate(m.app, m.migration));
      // Observed even when it failed: a non-atomic migration can lose data and then raise.
      await timed('observeMs', () => data.afterForwardStep(i));
      if (!r.ok) {
        m.forward = { status: 'failed', ms: r.ms, error: stepError(r) };
        progress.step(`✗ ${m.app}.${m.migration} failed (${r.ms} ms)`);
        break;
      }
      m.forward = { status: 'applied', ms: r.ms };
      schema.forward[i] = await timed('observeMs', observe);
      progress.step(`✓ ${m.app}.${m.migration} (${r.ms} ms)`);
    }
    data.afterForward();
    await checkInvariants('forward');
  }

  const applied = migrations.map((m, i) => [m, i] as const).filter(([m]) => m.forward.status === 'applied');
  if (opts.playbook.steps.includes('backward') && applied.length > 0) {
    progress.phase('backward', 'to the snapshot\'s recorded state');
    const nodes = nodeMap(intro);
    let stoppedAt: number | undefined;
    for (const [m, i] of [...applied].reverse()) {
      cleanup.throwIfInterrupted();
      const target = unapplyTarget(nodes, m.app, m.migration);
      const r = await timed('migrateMs', () => runner.migrate(m.app, target));
      await timed('observeMs', () => data.afterBackwardStep(i));
      if (r.ok) {
        m.backward = { status: 'reverted', ms: r.ms };
        schema.backward[i] = await timed('observeMs', observe);
        progress.step(`↩ ${m.app}.${m.migration} (${r.ms} ms)`);
        continue;
      }
      const err = stepError(r);
      const irreversible = IRREVERSIBLE_ERROR.test(`${err.type} ${err.message}`);
      m.backward = { status: irreversible ? 'irreversible' : 'failed', ms: r.ms, error: err };
      progress.step(`✗ ${m.app}.${m.migration} ${irreversible ? 'is irreversible' : 'failed to reverse'}`);
      stoppedAt = i;
      break;
    }
    if (stoppedAt === undefined) appliedAfterBackward = await runner.appliedRows();
    // Where the run stopped early, the data of what it did revert is still compared.
    if (stoppedAt === undefined || migrations.some((m) => m.backward.status === 'reverted')) {
      progress.step('comparing the data with the snapshot');
      await timed('observeMs', () => data.afterBackward(stoppedAt ?? -1));
    }
    await checkInvariants('backward');
  }

  const reverted = migrations.map((m, i) => [m, i] as const).filter(([m]) => m.backward.status === 'reverted');
  if (opts.playbook.steps.includes('reforward') && reverted.length > 0) {
    progress.phase('reforward', `${reverted.length} migration(s) again`);
    let complete = true;
    for (const [m] of reverted) {
      cleanup.throwIfInterrupted();
      const r = await timed('migrateMs', () => runner.migrate(m.app, m.migration));
      if (!r.ok) {
        m.reforward = { status: 'failed', ms: r.ms, error: stepError(r) };
        progress.step(`✗ ${m.app}.${m.migration} failed again`);
        complete = false;
        break;
      }
      m.reforward = { status: 'applied', ms: r.ms };
      progress.step(`✓ ${m.app}.${m.migration} (${r.ms} ms)`);
    }
    if (complete) schema.reforward = await timed('observeMs', observe);
    await checkInvariants('reforward');
  }

  progress.phase('checks');
  const identifiers = identifiersIn([
    ...baseline.lines,
    ...schema.forward.flatMap((f) => f?.lines ?? []),
    ...intro.nodes.map((n) => `${n.app} ${n.name}`),
    ...migrations.flatMap((m) => [m.forward.error, m.backward.error, m.reforward.error])
      .flatMap((e) => (e ? [e.table ?? '', e.column ?? ''] : [])),
  ]);
  const dataFacts = await timed('observeMs', () => data.finish());
  report.tables = dataFacts.tables;
  const facts: Facts = { projectDir: prep.projectDir, intro, migrations, schema, identifiers, data: dataFacts, invariants,
    ...(appliedAfterBackward ? { appliedAfterBackward } : {}) };
  const drafts = CHECKS.flatMap((c) => c.run(facts));
  const findings = applyPolicy(drafts, opts.policy);

  return { findings, ...(opts.keep ? { keepOpen: () => holdOpen(sandbox, cleanup, progress) } : {}) };
}

/** The target that unapplies exactly APP.NAME: its parent in the same app, or zero. */
function unapplyTarget(nodes: Map<string, NodeInfo>, app: string, name: string): string {
  const node = nodes.get(keyOf(app, name));
  const inApp = (node?.parents ?? []).filter(([a]) => a === app).map(([, n]) => n).sort();
  return inApp.at(-1) ?? 'zero';
}

async function holdOpen(sandbox: Sandbox, cleanup: Cleanup, progress: Progress): Promise<void> {
  const { template, work } = sandbox.databases;
  if (sandbox.survivesExit) {
    progress.phase('keep', `the databases stay on the server: ${sandbox.describe(work)} (the untouched snapshot is ${template}); ` +
      'drop them with `rehearse doctor --clean --server-url URL`');
    return;
  }
  progress.phase('keep', `the sandbox stays up: ${sandbox.describe(work)} ` +
    `(the untouched snapshot is ${template}); press Ctrl-C to tear it down`);
  if (cleanup.interrupted) return;
  await new Promise<void>((resolve) => cleanup.onInterrupt(() => resolve()));
}

export function newReport(): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'rehearse', version: VERSION },
    verdict: 'error',
    exitCode: 3,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    plan: [],
    migrations: [],
    tables: [],
    findings: [],
  };
}

export function settle(report: Report, findings: Finding[]): void {
  report.findings = findings;
  Object.assign(report, verdictOf(findings));
}
