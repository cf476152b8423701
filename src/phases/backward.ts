// backward: revert what the forward step applied, newest first, each to its
// parent in the same app, back to the snapshot's recorded state. An
// irreversible or failing reverse stops the step where it stands.
import { nodeMap, unapplyTarget } from '../django/introspection.js';
import { migrateEntry } from './migrate.js';
import type { Step } from './step.js';

export const backward: Step = {
  kind: 'backward',
  async run(ctx) {
    const { state, events, session } = ctx;
    const applied = state.indexes('forward', 'applied');
    if (applied.length === 0) return;
    events.phase('backward', 'to the snapshot\'s recorded state');
    const nodes = nodeMap(state.intro);
    let stoppedAt: number | undefined;
    for (const i of [...applied].reverse()) {
      const m = state.migrations[i]!;
      const r = await migrateEntry(ctx, 'backward', i, unapplyTarget(nodes, m.app, m.migration));
      const status = r.ok ? 'reverted' : r.irreversible ? 'irreversible' : 'failed';
      state.record('backward', i, { status, ms: r.ms, ...(r.error ? { error: r.error } : {}) });
      if (!r.ok) {
        stoppedAt = i;
        break;
      }
    }
    if (stoppedAt === undefined) state.appliedAfterBackward = await (await session.runner()).appliedRows();
    const anyDone = state.indexes('backward', 'reverted').length > 0;
    if (stoppedAt === undefined || anyDone) events.note('comparing the data with the snapshot');
    await ctx.stepEnded({ phase: 'backward', complete: stoppedAt === undefined, anyDone, ...(stoppedAt !== undefined ? { stoppedAt } : {}) });
  },
};
