// reforward: apply again what the backward step reverted, as the "deploy, roll
// back, deploy the fix" path of an incident would.
import { migrateEntry } from './migrate.js';
import type { Step } from './step.js';

export const reforward: Step = {
  kind: 'reforward',
  async run(ctx) {
    const { state, events } = ctx;
    const reverted = state.indexes('backward', 'reverted');
    if (reverted.length === 0) return;
    events.phase('reforward', `${reverted.length} migration(s) again`);
    let complete = true;
    for (const i of reverted) {
      const r = await migrateEntry(ctx, 'reforward', i, state.migrations[i]!.migration);
      state.record('reforward', i, { status: r.ok ? 'applied' : 'failed', ms: r.ms, ...(r.error ? { error: r.error } : {}) });
      if (!r.ok) {
        complete = false;
        break;
      }
    }
    await ctx.stepEnded({ phase: 'reforward', complete, anyDone: state.indexes('reforward', 'applied').length > 0 });
  },
};
