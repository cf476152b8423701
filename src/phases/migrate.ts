// Shared by the migrating steps: one `manage.py migrate APP TARGET` for one plan
// entry, observed; applying and reverting runs of entries; a playbook command.
import { nodeMap, unapplyTarget } from '../django/introspection.js';
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

/** Apply plan entries in order (forward or reforward); the first failure stops. Whether all applied. */
export async function applyEntries(ctx: StepContext, phase: 'forward' | 'reforward', indexes: number[]): Promise<boolean> {
  for (const i of indexes) {
    const r = await migrateEntry(ctx, phase, i, ctx.state.migrations[i]!.migration);
    ctx.state.record(phase, i, { status: r.ok ? 'applied' : 'failed', ms: r.ms, ...(r.error ? { error: r.error } : {}) });
    if (!r.ok) return false;
  }
  return true;
}

/** Revert plan entries, newest first, each to its parent in the same app; the first failure stops. Where it stopped. */
export async function revertEntries(ctx: StepContext, indexes: number[]): Promise<number | undefined> {
  const nodes = nodeMap(ctx.state.intro);
  for (const i of [...indexes].sort((a, b) => b - a)) {
    const m = ctx.state.migrations[i]!;
    const r = await migrateEntry(ctx, 'backward', i, unapplyTarget(nodes, m.app, m.migration));
    const status = r.ok ? 'reverted' : r.irreversible ? 'irreversible' : 'failed';
    ctx.state.record('backward', i, { status, ms: r.ms, ...(r.error ? { error: r.error } : {}) });
    if (!r.ok) return i;
  }
  return undefined;
}

/** Revert, then tell the observers the backward step is over (and read django_migrations when it got back). */
export async function revertAndEnd(ctx: StepContext, indexes: number[]): Promise<void> {
  const stoppedAt = await revertEntries(ctx, indexes);
  const { state, session, events } = ctx;
  const full = stoppedAt === undefined && state.appliedNow().length === 0;
  if (full) state.appliedAfterBackward = await (await session.runner()).appliedRows();
  const anyDone = indexes.some((i) => state.migrations[i]!.backward.status === 'reverted');
  if (stoppedAt === undefined || anyDone) events.note('comparing the data with the snapshot');
  await ctx.stepEnded({ phase: 'backward', complete: stoppedAt === undefined, anyDone, ...(stoppedAt !== undefined ? { stoppedAt } : {}) });
}

/** Apply, then tell the observers the forward step is over (and read the models when everything is in). */
export async function applyAndEnd(ctx: StepContext, indexes: number[]): Promise<void> {
  const complete = await applyEntries(ctx, 'forward', indexes);
  // What the deployed code will expect of the database, once every migration is in.
  if (complete && ctx.state.appliedNow(false).length === 0) ctx.state.models = await (await ctx.session.runner()).models();
  await ctx.stepEnded({ phase: 'forward', complete, anyDone: ctx.state.indexes('forward', 'applied').length > 0 });
}
