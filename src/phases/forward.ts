// forward: every pending migration not applied yet, one `migrate APP NAME` at a
// time, so each is observed alone; the first failure stops the step. Skipped
// when Django refuses this history altogether (its findings say why).
import { migrationBlocked } from '../django/introspection.js';
import { applyAndEnd } from './migrate.js';
import type { Step } from './step.js';

export const forward: Step = {
  kind: 'forward',
  async run(ctx) {
    const { state, events } = ctx;
    if (migrationBlocked(state.intro)) return events.phase('forward', 'skipped: Django refuses to migrate this history (see findings)');
    const todo = state.appliedNow(false);
    events.phase('forward', `${todo.length} migration(s)`);
    await applyAndEnd(ctx, todo);
  },
};
