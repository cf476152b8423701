// What a check is, and what it is handed. Checks are pure functions of facts:
// they never touch the database or Django themselves. A check declares the codes
// it raises, whether it needs a rehearsal or only static facts (the migration
// files and the snapshot's history), the report phase its findings belong to,
// and which --allow-* option can allow them; the JUnit phases and the policy are
// derived from these declarations (./index.ts).
import type { Introspection, MigrationKey } from '../django/introspection.js';
import type { ModelTable } from '../django/protocol.js';
import type { ObservedFacts } from '../observe/index.js';
import type { FindingCode, FindingWithPatch, MigrationRecord } from '../report/model.js';
import type { Redaction } from '../report/redact.js';

/** Known without running anything: the files, the graph, the snapshot's django_migrations. */
export interface StaticFacts {
  projectDir: string;
  intro: Introspection;
  /** One record per plan entry, in plan order (every phase not-run when nothing ran). */
  migrations: MigrationRecord[];
}

/** What a rehearsal saw, on top of the static facts. */
export interface RunFacts extends StaticFacts, ObservedFacts {
  /** django_migrations rows after the backward run, if it ran to the end. */
  appliedAfterBackward?: MigrationKey[];
  /** What the release's models need, after a complete forward run. */
  models?: ModelTable[];
  /** A playbook's commands, in order: the losses of change -1 are the first's. */
  commands?: readonly string[];
  /** A playbook's steps that are not plan entries, and how they went. */
  playbookSteps?: ReadonlyArray<{ step: string; ok: boolean; error?: { type: string; message: string; sqlstate?: string } }>;
  /** What may appear of an error's message (see report/redact.ts). */
  redaction: Redaction;
  budgets: Budgets;
}

/** How long a lock and a migration may take (--max-lock-ms, --max-duration-ms, or the playbook's policy). */
export interface Budgets {
  maxLockMs: number;
  /** Set by the user: a slower migration is an error; unset, one over DEFAULT_SLOW_MS is a warning. */
  maxDurationMs?: number;
}

/** A finding before policy is applied; `patch` becomes a file in --report-dir/diffs. */
export type Draft<C extends FindingCode = FindingCode> = Omit<FindingWithPatch, 'allowed' | 'code'> & { code: C };

/** The JUnit test suite a finding is reported under. */
export type ReportPhase = 'history' | 'forward' | 'backward' | 'reforward';

interface CheckBase<C extends FindingCode> {
  /** The finding codes this check can raise: one family. */
  codes: readonly C[];
  phase: ReportPhase;
  /** The option that may allow its findings: --allow-loss (TABLE[.COLUMN]), --allow-irreversible (APP.MIGRATION) or --allow-overwrite (TABLE.COLUMN). */
  allows?: 'loss' | 'irreversible' | 'overwrite';
}

/** Runs on static facts alone, so `plan` can run it without a database. */
export type StaticCheck<C extends FindingCode = FindingCode> = CheckBase<C> & { needs: 'static'; inspect(facts: StaticFacts): Draft<C>[] };
/** Needs what a rehearsal saw. */
export type RunCheck<C extends FindingCode = FindingCode> = CheckBase<C> & { needs: 'run'; inspect(facts: RunFacts): Draft<C>[] };
export type Check<C extends FindingCode = FindingCode> = StaticCheck<C> | RunCheck<C>;

/** Declare a check; its drafts can only carry the codes it declares. */
export function defineCheck<const C extends FindingCode>(check: StaticCheck<C>): StaticCheck<C>;
export function defineCheck<const C extends FindingCode>(check: RunCheck<C>): RunCheck<C>;
export function defineCheck(check: Check<FindingCode>): Check<FindingCode> {
  return check;
}
