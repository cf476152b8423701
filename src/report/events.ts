// What a run tells the world while it happens, as typed events. Steps, the
// pipeline and the observers emit them; the report builder, the live view and
// the plain CI lines are all built from them (see ./builder.ts, ./live.ts,
// ./progress.ts), so no two places keep their own account of a run.
import type { OperationEvent } from '../django/protocol.js';
import type { StepLocks } from '../observe/locks/watch.js';
import type { BackwardStatus, FindingWithPatch, ForwardStatus, Report, StepError, TableCounts } from './model.js';

/** The phases a person sees, in the order a full run passes through them. */
export const PHASES = ['sandbox', 'restore', 'django', 'baseline', 'forward', 'backward', 'reforward', 'checks', 'reports', 'keep', 'teardown'] as const;
export type PhaseName = (typeof PHASES)[number];

/** The phases that run migrations, one step per migration. */
export type MigratePhase = 'forward' | 'backward' | 'reforward';

export type TimingPart = keyof NonNullable<Report['timings']>;

export type StepStatus = ForwardStatus | BackwardStatus;

export type RunEvent =
  /** A phase begins. */
  | { type: 'phase'; phase: PhaseName; detail?: string }
  /** Something happened inside the current phase. */
  | { type: 'note'; text: string }
  /** How far a long phase has got (a restore of many GB). */
  | { type: 'tick'; text: string }
  /** Django's own output (shown with --verbose). */
  | { type: 'django-output'; text: string }
  | { type: 'snapshot'; snapshot: NonNullable<Report['snapshot']> }
  | { type: 'sandbox'; kind: string; serverVersion: string }
  | { type: 'django'; version: string; settings?: string }
  /** The pending migrations, in the order `migrate` applies them. */
  | { type: 'plan'; plan: Array<{ app: string; migration: string }> }
  /** What may appear of error messages in the report (the schema's identifiers; --redact strict). */
  | { type: 'redaction'; identifiers: string[]; strict: boolean }
  /** The verdict is `plan`'s: static, nothing ran. */
  | { type: 'static' }
  | { type: 'step-finished'; phase: MigratePhase; index: number; app: string; migration: string;
      status: StepStatus; ms: number; error?: StepError }
  | ({ type: 'operation' } & Omit<OperationEvent, 'type'> & { phase: MigratePhase | undefined })
  /** A playbook step that is not a plan entry (a command, SQL, a checkpoint) ran. */
  | { type: 'step-ran'; step: string; ok: boolean; ms: number; detail?: string; error?: StepError }
  /** A playbook's invariants, each time one was checked. */
  | { type: 'invariants-checked'; results: NonNullable<Report['invariants']> }
  /** A change's statements, locks, index builds and WAL (see observe/locks). */
  | { type: 'step-traced'; step: StepLocks }
  /** A touched table's exact row counts (see observe/data). */
  | { type: 'table-counted'; table: TableCounts }
  | { type: 'timing'; part: TimingPart; ms: number }
  /** A finding, with the policy applied. */
  | { type: 'finding'; finding: FindingWithPatch };

export type Listener = (e: RunEvent) => void;

export class Events {
  private readonly listeners: Listener[] = [];

  on(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(e: RunEvent): void {
    for (const l of this.listeners) l(e);
  }

  phase(phase: PhaseName, detail?: string): void {
    this.emit(detail === undefined ? { type: 'phase', phase } : { type: 'phase', phase, detail });
  }

  note(text: string): void {
    this.emit({ type: 'note', text });
  }

  /** Time `fn` and emit its duration as part of the run's timings. */
  async timed<T>(part: TimingPart, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.emit({ type: 'timing', part, ms: performance.now() - t0 });
    }
  }
}
