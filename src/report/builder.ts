// The one writer of report.json: it listens to a run's events and builds the
// report from them. The CLI only adds how the run ended (an error, its duration).
import { VERSION } from '../version.js';
import type { Events, MigratePhase, RunEvent, StepStatus } from './events.js';
import type { StepLocks } from '../observe/locks/watch.js';
import type { FindingWithPatch, MigrationRecord, Report, StepTraffic } from './model.js';
import { notRun, verdictOf } from './model.js';
import { redactError, type Redaction } from './redact.js';

export class ReportBuilder {
  readonly report: Report = {
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
  /** Findings as drafted (with their patches), until the run concludes. */
  private readonly drafted: FindingWithPatch[] = [];
  /** What may appear of the steps' error messages; until the checks say, no identifier is known. */
  private redaction: Redaction = { identifiers: new Set(), strict: false };

  constructor(events: Events) {
    events.on((e) => this.take(e));
  }

  private take(e: RunEvent): void {
    const r = this.report;
    switch (e.type) {
      case 'snapshot':
        r.snapshot = e.snapshot;
        r.timings = { sandboxMs: 0, restoreMs: 0, cloneMs: 0, migrateMs: 0, observeMs: 0 };
        return;
      case 'sandbox':
        r.sandbox = { kind: e.kind, serverVersion: e.serverVersion };
        return;
      case 'django':
        r.django = { version: e.version, ...(e.settings ? { settings: e.settings } : {}) };
        return;
      case 'plan':
        r.plan = e.plan;
        r.migrations = e.plan.map(notRun);
        return;
      case 'step-finished': {
        const m = r.migrations[e.index] as Record<MigratePhase, StepRecord> | undefined;
        // The step's traffic (step-traced) arrived first: keep it.
        if (m) m[e.phase] = { ...m[e.phase], status: e.status, ms: e.ms, ...(e.error ? { error: e.error } : {}) };
        return;
      }
      case 'step-traced': {
        const m = r.migrations[e.step.index] as Record<MigratePhase, StepRecord> | undefined;
        if (m && e.step.phase !== 'command') Object.assign(m[e.step.phase], traffic(e.step));
        return;
      }
      case 'step-ran':
        (r.steps ??= []).push({ step: e.step, ok: e.ok, ms: Math.round(e.ms), ...(e.detail ? { detail: e.detail } : {}), ...(e.error ? { error: e.error } : {}) });
        return;
      case 'redaction':
        this.redaction = { identifiers: new Set(e.identifiers), strict: e.strict };
        return;
      case 'static':
        r.mode = 'plan';
        return;
      case 'invariants-checked':
        if (e.results.length) r.invariants = e.results;
        return;
      case 'table-counted':
        r.tables.push(e.table);
        r.tables.sort((a, b) => a.table.localeCompare(b.table));
        return;
      case 'timing':
        if (r.timings) r.timings[e.part] += Math.round(e.ms);
        return;
      case 'finding':
        this.drafted.push(e.finding);
        return;
      default:
    }
  }

  /** The findings as the checks and the policy drafted them, with their patches. */
  get findings(): readonly FindingWithPatch[] {
    return this.drafted;
  }

  /** The rehearsal ran: its findings (patches now written as files) decide the verdict. */
  conclude(findings: Report['findings'], failOnWarnings = false): void {
    this.report.findings = findings;
    this.redactSteps();
    // What a real rollback of this release would take: the backward run, on production's data.
    const back = this.report.migrations.filter((m) => m.backward.status === 'reverted');
    if (back.length) this.report.rollbackMs = Math.round(back.reduce((ms, m) => ms + (m.backward.ms ?? 0), 0));
    Object.assign(this.report, verdictOf(findings, failOnWarnings));
  }

  /** The rehearsal could not run (exit 3, or whatever the error carries). */
  fail(error: string, exitCode: number): void {
    Object.assign(this.report, { verdict: 'error', exitCode, error });
    this.redactSteps();
  }

  /** The steps' own error messages, as the findings carry them: values never reach report.json. */
  private redactSteps(): void {
    const records = this.report.migrations.flatMap((m) => [m.forward, m.backward, m.reforward]);
    for (const s of [...records, ...(this.report.steps ?? [])]) {
      if (s.error) s.error = { ...s.error, message: redactError(s.error, this.redaction) };
    }
  }
}

/** A step's outcome in a migration's record, whichever phase it belongs to. */
type StepRecord = { status: StepStatus; ms?: number; error?: MigrationRecord['forward']['error'] } & StepTraffic;

const MAX_STATEMENTS = 200;

/** What report.json keeps of a step's trace. */
function traffic(s: StepLocks): StepTraffic {
  return {
    statements: s.statements.slice(0, MAX_STATEMENTS),
    ...(s.statements.length > MAX_STATEMENTS ? { statementsOmitted: s.statements.length - MAX_STATEMENTS } : {}),
    locks: s.locks.map((l) => ({ table: l.table, mode: l.mode, blocks: l.blocks, heldMs: l.heldMs, rows: l.rows, rewritten: l.rewritten })),
    indexes: s.indexes,
    wal: s.walBytes,
    ...(s.probe ? { probe: s.probe.map(({ samples: _, ...p }) => p) } : {}),
  };
}
