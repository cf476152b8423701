// What the steps of a rehearsal know and tell each other: Django's view of the
// migrations, the plan, each migration's outcome per phase and whether it is
// applied now, and the playbook's commands. Every change to an outcome is also
// an event, which is how the report and the live view learn it.
import type { Introspection, MigrationKey } from './django/introspection.js';
import type { ModelTable } from './django/protocol.js';
import type { Events, MigratePhase, StepStatus } from './report/events.js';
import { notRun, type MigrationRecord, type StepError } from './report/model.js';

export class RunState {
  private introspection: Introspection | undefined;
  /** One record per plan entry, in plan order. */
  migrations: MigrationRecord[] = [];
  /** Whether each plan entry is applied in the work database now. */
  private applied: boolean[] = [];
  /** django_migrations after a complete backward run. */
  appliedAfterBackward: MigrationKey[] | undefined;
  /** What the release's models need, read after a complete forward run. */
  models: ModelTable[] | undefined;
  /** The playbook's commands so far ("manage.py backfill_phones", "SQL #2"): change -1 is the first. */
  readonly commands: string[] = [];
  /** The playbook's steps that are not plan entries, and how they went. */
  readonly stepsRun: Array<{ step: string; ok: boolean; error?: StepError }> = [];

  constructor(private readonly events: Events) {}

  get intro(): Introspection {
    if (!this.introspection) throw new Error('Django has not been introspected yet: the baseline step comes first');
    return this.introspection;
  }

  /** Django's view of the snapshot, and the plan it implies. */
  setIntrospection(intro: Introspection): void {
    this.introspection = intro;
    this.migrations = intro.plan.map(([app, migration]) => notRun({ app, migration }));
    this.applied = this.migrations.map(() => false);
    this.events.emit({ type: 'plan', plan: this.migrations.map(({ app, migration }) => ({ app, migration })) });
  }

  /** A migration's outcome in a phase. */
  record(phase: MigratePhase, index: number, outcome: { status: StepStatus; ms: number; error?: StepError }): void {
    const m = this.migrations[index]!;
    (m as Record<MigratePhase, unknown>)[phase] = { status: outcome.status, ms: outcome.ms, ...(outcome.error ? { error: outcome.error } : {}) };
    if (outcome.status === 'applied') this.applied[index] = true;
    if (outcome.status === 'reverted') this.applied[index] = false;
    this.events.emit({ type: 'step-finished', phase, index, app: m.app, migration: m.migration, ...outcome });
  }

  /** Plan indexes whose `phase` ended in `status`, in plan order. */
  indexes(phase: MigratePhase, status: StepStatus): number[] {
    return this.migrations.flatMap((m, i) => (m[phase].status === status ? [i] : []));
  }

  /** Plan indexes applied (or not) in the work database now, in plan order. */
  appliedNow(applied = true): number[] {
    return this.applied.flatMap((a, i) => (a === applied ? [i] : []));
  }

  /** The plan index of APP.NAME, if it is a pending migration. */
  indexOf(app: string, name: string): number | undefined {
    const i = this.migrations.findIndex((m) => m.app === app && m.migration === name);
    return i < 0 ? undefined : i;
  }

  /** A new playbook command: its change index (-1, -2, ...). */
  command(label: string): number {
    this.commands.push(label);
    return -this.commands.length;
  }

  /** How a playbook step went, for the report and the live view. */
  stepRan(step: string, outcome: { ok: boolean; ms: number; detail?: string; error?: StepError }): void {
    this.stepsRun.push({ step, ok: outcome.ok, ...(outcome.error ? { error: outcome.error } : {}) });
    this.events.emit({ type: 'step-ran', step, ...outcome });
  }
}
