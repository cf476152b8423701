// The report: what report.json holds (schemaVersion 1, see CONTRACT.md), and
// the shape every renderer reads.
import type { SnapshotFormat } from '../snapshot/detect.js';

export type Severity = 'error' | 'warning' | 'info';

export type FindingCode =
  | 'HISTORY_GHOST'
  | 'HISTORY_INCONSISTENT'
  | 'CONFLICTING_LEAVES'
  | 'STRAY_MIGRATION_FILE'
  | 'HISTORY_BROKEN_GRAPH'
  | 'HISTORY_SQUASH_PARTIAL'
  | 'MIGRATION_FAILED'
  | 'DATA_LOSS_ROWS'
  | 'DATA_LOSS_TABLE'
  | 'DATA_LOSS_COLUMN'
  | 'DATA_OVERWRITTEN'
  | 'DATA_MOVED'
  | 'MODELS_NOT_MIGRATED'
  | 'IRREVERSIBLE'
  | 'ROLLBACK_FAILED'
  | 'ROLLBACK_SCHEMA_MISMATCH'
  | 'ROLLBACK_DATA_LOSS'
  | 'REFORWARD_FAILED'
  | 'LOCK_RISK'
  | 'MIGRATION_SLOW'
  | 'STEP_FAILED'
  | 'INVARIANT_FAILED';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  app?: string;
  migration?: string;
  /** The table's schema, where it is not public. */
  schema?: string;
  table?: string;
  column?: string;
  lost?: number;
  allowed: boolean;
  message: string;
  /** What to do about it. */
  hint?: string;
  /** Report-dir relative path of an attached diff. */
  diff?: string;
  details?: Record<string, unknown>;
}

/** A unified schema diff a finding carries until it is written to --report-dir/diffs. */
export interface Patch {
  name: string;
  text: string;
}

/** A finding as the checks and the policy produce it, before its patch becomes a file. */
export type FindingWithPatch = Finding & { patch?: Patch };

export type ForwardStatus = 'applied' | 'failed' | 'not-run';
export type BackwardStatus = 'reverted' | 'irreversible' | 'failed' | 'not-run';

export interface StepError {
  type: string;
  message: string;
  sqlstate?: string;
  /** From PostgreSQL's diagnostics: names, never values. */
  table?: string;
  column?: string;
  constraint?: string;
  /** The operation of the migration that raised: its position, class and description. */
  operation?: { index: number; kind: string; describe: string };
  /** A data step that broke a unique constraint: how many rows share a key, in how many groups, on which columns. */
  collisions?: { rows: number; groups: number; columns: string[] };
}

/** A step's error in the report's terms: what the database or the migration said, names only. */
export function stepErrorOf(e: StepError): StepError {
  return {
    type: e.type,
    message: e.message,
    ...(e.sqlstate ? { sqlstate: e.sqlstate } : {}),
    ...(e.table ? { table: e.table } : {}),
    ...(e.column ? { column: e.column } : {}),
    ...(e.constraint ? { constraint: e.constraint } : {}),
    ...(e.operation ? { operation: e.operation } : {}),
    ...(e.collisions ? { collisions: e.collisions } : {}),
  };
}

/** What a step did to live traffic (see observe/locks): its statements, locks, index builds and WAL. */
export interface StepTraffic {
  /** Every statement, with the locks it first took (at most 200; `statementsOmitted` counts the rest). */
  statements?: Array<{ operation: number | null; kind: string | null; sql: string; ms: number; locks: Array<{ table: string; mode: string }> }>;
  statementsOmitted?: number;
  /** Per table, the strongest lock and how long it was held. */
  locks?: Array<{ table: string; mode: string; blocks: string; heldMs: number; rows: number; rewritten: boolean }>;
  indexes?: Array<{ name: string; table: string; concurrently: boolean; ms: number }>;
  /** WAL written, in bytes. */
  wal?: number;
  /** --probe-traffic: how long reads and writes waited, per table, sampled every intervalMs. */
  probe?: Array<{ table: string; readsQueuedMs: number; writesQueuedMs: number; intervalMs: number }>;
}

type Step<S> = { status: S; ms?: number; error?: StepError } & StepTraffic;

export interface MigrationRecord {
  app: string;
  migration: string;
  forward: Step<ForwardStatus>;
  backward: Step<BackwardStatus>;
  reforward: Step<ForwardStatus>;
}

/** A plan entry before any phase ran it. */
export function notRun(p: { app: string; migration: string }): MigrationRecord {
  return { app: p.app, migration: p.migration, forward: { status: 'not-run' }, backward: { status: 'not-run' }, reforward: { status: 'not-run' } };
}

export interface TableCounts {
  table: string;
  rowsBefore: number | null;
  rowsAfterForward: number | null;
  rowsAfterBackward: number | null;
  /** Snapshot NULLs that hold a value after the rollback (a backfill the reverse keeps): not a loss. */
  filled?: number;
}

export type Verdict = 'pass' | 'fail' | 'error';

export interface Report {
  schemaVersion: 1;
  tool: { name: 'rehearse'; version: string };
  verdict: Verdict;
  exitCode: number;
  /** --approve: a person's answer to "deploy anyway?", who gave it and when; it decided the exit code. */
  approval?: { approved: boolean; by: string; at: string; verdict: Verdict };
  /** "plan": the static verdict (`rehearse plan`); nothing ran, so every phase is not-run. */
  mode?: 'plan';
  /** Set when verdict is "error": why the rehearsal could not run. */
  error?: string;
  startedAt: string;
  durationMs: number;
  snapshot?: { path: string; format: SnapshotFormat; serverVersion: string | null; bytes: number };
  sandbox?: { kind: string; serverVersion: string };
  django?: { version: string; settings?: string };
  plan: Array<{ app: string; migration: string }>;
  migrations: MigrationRecord[];
  tables: TableCounts[];
  findings: Finding[];
  /** How long the backward run took on the snapshot: what a real rollback of the release would take. */
  rollbackMs?: number;
  /** A playbook's steps that are not plan entries (commands, SQL, checkpoints), in order. */
  steps?: Array<{ step: string; ok: boolean; ms: number; detail?: string; error?: StepError }>;
  /** A playbook's invariants, each time one was checked: what it returned (a count or a boolean, never rows). */
  invariants?: Array<{ name: string; when: string; holds: boolean; saw: string }>;
  /** Wall time per part of the run, in ms (an extension: see `npm run bench`). */
  timings?: { sandboxMs: number; restoreMs: number; cloneMs: number; migrateMs: number; observeMs: number };
}

export function blocking(f: Finding): boolean {
  return f.severity === 'error' && !f.allowed;
}

/** A playbook with failOnWarnings lets a warning that is not allowed stop the deploy too. */
export function verdictOf(findings: Finding[], failOnWarnings = false): { verdict: Verdict; exitCode: number } {
  const stops = (f: Finding) => blocking(f) || (failOnWarnings && f.severity === 'warning' && !f.allowed);
  return findings.some(stops) ? { verdict: 'fail', exitCode: 1 } : { verdict: 'pass', exitCode: 0 };
}
