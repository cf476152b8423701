// backward: revert what the rehearsal applied, newest first, each to its parent
// in the same app, back to the snapshot's recorded state. An irreversible or
// failing reverse stops the step where it stands.
import { revertAndEnd } from './migrate.js';
import type { Step } from './step.js';

export const backward: Step = {
  kind: 'backward',
  async run(ctx) {
    const applied = ctx.state.appliedNow();
    if (applied.length === 0) return;
    ctx.events.phase('backward', 'to the snapshot\'s recorded state');
    await revertAndEnd(ctx, applied);
  },
};
