// What the steps of a rehearsal know and tell each other: Django's view of the
// migrations, the plan, and each migration's outcome per phase. Every change to
// an outcome is also an event, which is how the report and the live view learn it.
import type { Introspection, MigrationKey } from './django/introspection.js';
import type { ModelTable } from './django/protocol.js';
import type { Events, MigratePhase, StepStatus } from './report/events.js';
import { notRun, type MigrationRecord, type StepError } from './report/model.js';

export class RunState {
  private introspection: Introspection | undefined;
  /** One record per plan entry, in plan order. */
  migrations: MigrationRecord[] = [];
  /** django_migrations after a complete backward run. */
  appliedAfterBackward: MigrationKey[] | undefined;
  /** What the release's models need, read after a complete forward run. */
  models: ModelTable[] | undefined;

  constructor(private readonly events: Events) {}

  get intro(): Introspection {
    if (!this.introspection) throw new Error('Django has not been introspected yet: the baseline step comes first');
    return this.introspection;
  }

  /** Django's view of the snapshot, and the plan it implies. */
  setIntrospection(intro: Introspection): void {
    this.introspection = intro;
    this.migrations = intro.plan.map(([app, migration]) => notRun({ app, migration }));
    this.events.emit({ type: 'plan', plan: this.migrations.map(({ app, migration }) => ({ app, migration })) });
  }

  /** A migration's outcome in a phase. */
  record(phase: MigratePhase, index: number, outcome: { status: StepStatus; ms: number; error?: StepError }): void {
    const m = this.migrations[index]!;
    (m as Record<MigratePhase, unknown>)[phase] = { status: outcome.status, ms: outcome.ms, ...(outcome.error ? { error: outcome.error } : {}) };
    this.events.emit({ type: 'step-finished', phase, index, app: m.app, migration: m.migration, ...outcome });
  }

  /** Plan indexes whose `phase` ended in `status`, in plan order. */
  indexes(phase: MigratePhase, status: StepStatus): number[] {
    return this.migrations.flatMap((m, i) => (m[phase].status === status ? [i] : []));
  }
}
