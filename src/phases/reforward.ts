// reforward: apply again what the backward step reverted, as the "deploy, roll
// back, deploy the fix" path of an incident would.
import { applyEntries } from './migrate.js';
import type { Step } from './step.js';

export const reforward: Step = {
  kind: 'reforward',
  async run(ctx) {
    const { state, events } = ctx;
    const reverted = state.indexes('backward', 'reverted').filter((i) => !state.appliedNow().includes(i));
    if (reverted.length === 0) return;
    events.phase('reforward', `${reverted.length} migration(s) again`);
    const complete = await applyEntries(ctx, 'reforward', reverted);
    await ctx.stepEnded({ phase: 'reforward', complete, anyDone: state.indexes('reforward', 'applied').length > 0 });
  },
};
