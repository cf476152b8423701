// forward: every pending migration, one `migrate APP NAME` at a time, so each
// is observed alone; the first failure stops the step. Skipped when Django
// refuses this history altogether (its findings say why).
import { migrationBlocked } from '../django/introspection.js';
import { migrateEntry } from './migrate.js';
import type { Step } from './step.js';

export const forward: Step = {
  kind: 'forward',
  async run(ctx) {
    const { state, events } = ctx;
    if (migrationBlocked(state.intro)) return events.phase('forward', 'skipped: Django refuses to migrate this history (see findings)');
    events.phase('forward', `${state.migrations.length} migration(s)`);
    let complete = true;
    for (const [i, m] of state.migrations.entries()) {
      const r = await migrateEntry(ctx, 'forward', i, m.migration);
      state.record('forward', i, { status: r.ok ? 'applied' : 'failed', ms: r.ms, ...(r.error ? { error: r.error } : {}) });
      if (!r.ok) {
        complete = false;
        break;
      }
    }
    // What the deployed code will expect of the database, now that every migration is in.
    if (complete) state.models = await (await ctx.session.runner()).models();
    await ctx.stepEnded({ phase: 'forward', complete, anyDone: state.indexes('forward', 'applied').length > 0 });
  },
};
