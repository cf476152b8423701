// Shared by the migrating steps: one `manage.py migrate APP TARGET` for one plan
// entry, observed, and its error in the report's terms.
import type { MigratePhase } from '../report/events.js';
import { stepErrorOf, type StepError } from '../report/model.js';
import type { StepContext } from './step.js';

export interface Migrated {
  ok: boolean;
  ms: number;
  error?: StepError;
  /** Django refused because the migration cannot be reversed (IrreversibleError). */
  irreversible: boolean;
}

export async function migrateEntry(ctx: StepContext, phase: MigratePhase, index: number, target: string): Promise<Migrated> {
  ctx.session.cleanup.throwIfInterrupted();
  const { app, migration } = ctx.state.migrations[index]!;
  const runner = await ctx.session.runner();
  const r = await ctx.change({ phase, index, app, migration, target }, () => runner.migrate(app, target));
  if (r.ok) return { ok: true, ms: r.ms, irreversible: false };
  const e = r.error ?? { type: 'Error', message: 'failed without an error message', irreversible: false };
  return { ok: false, ms: r.ms, error: stepErrorOf(e), irreversible: e.irreversible };
}
