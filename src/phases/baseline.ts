// baseline: what Django makes of the snapshot (its history, the plan), and the
// observers' first reading of it (schema, table identities, invariants).
import path from 'node:path';
import { keyOf } from '../django/introspection.js';
import { CannotRehearseError } from '../errors.js';
import { whyNotDjango } from '../snapshot/not-django.js';
import type { Step } from './step.js';

export const baseline: Step = {
  kind: 'baseline',
  async run(ctx) {
    const { session, events, state } = ctx;
    const { managePy, settings } = session.config;
    events.phase('django', `introspecting ${path.relative(process.cwd(), managePy) || managePy}`);
    const intro = await (await session.runner()).introspect();
    events.emit({ type: 'django', version: intro.djangoVersion, ...(settings ? { settings } : {}) });
    if (!intro.historyTable) throw new CannotRehearseError(await whyNotDjango(session.observerClient));
    const others = intro.aliases.filter((a) => a !== 'default');
    if (others.length) {
      events.note(`DATABASES has ${intro.aliases.length} aliases: every one points at the sandbox and the routers decide as in production; ` +
        `the snapshot is 'default''s, so migrations routed to ${others.map((a) => `'${a}'`).join(', ')} are not rehearsed`);
    }
    state.setIntrospection(intro);
    events.note(`Django ${intro.djangoVersion}; ${intro.plan.length} pending migration(s)` +
      (intro.plan.length ? `: ${intro.plan.map(([a, n]) => keyOf(a, n)).join(', ')}` : ''));
    session.cleanup.throwIfInterrupted();
    events.phase('baseline', 'reading the snapshot\'s schema and table identities');
    await ctx.observeBaseline();
    await events.timed('cloneMs', async () => session.sandbox.prepareTables?.(session.databases.work, session.observers.tablesOpened()));
  },
};
