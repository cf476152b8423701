// MIGRATION_SLOW: a migration that took longer than the duration budget on the
// snapshot. With --max-duration-ms (or the playbook's policy.maxDurationMs) set,
// a slower migration is an error; without, one over three minutes (the first of
// GitLab's migration budgets) is a warning. A deploy waits for it, and so does
// every request queued behind its locks. Silence: batch it, or move the slow
// part out of the deploy (a management command, a background job).
import { defineCheck, type Draft } from './facts.js';

const DEFAULT_SLOW_MS = 180_000;

export const migrationSlow = defineCheck({
  codes: ['MIGRATION_SLOW'],
  needs: 'run',
  phase: 'forward',
  inspect({ migrations, budgets }) {
    const budget = budgets.maxDurationMs ?? DEFAULT_SLOW_MS;
    const out: Draft<'MIGRATION_SLOW'>[] = [];
    for (const m of migrations) {
      for (const phase of ['forward', 'backward'] as const) {
        const ms = m[phase].ms;
        if (ms === undefined || ms <= budget) continue;
        out.push({
          code: 'MIGRATION_SLOW', severity: budgets.maxDurationMs !== undefined ? 'error' : 'warning', app: m.app, migration: m.migration,
          message: `${m.app}.${m.migration} took ${Math.round(ms / 1000)} s ${phase === 'forward' ? 'to apply' : 'to reverse'} on the snapshot (budget ${Math.round(budget / 1000)} s)`,
          hint: 'batch the data work, or move it out of the deploy (a management command run after it)',
          details: { direction: phase, ms, budgetMs: budget },
        });
      }
    }
    return out;
  },
});
