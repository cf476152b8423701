// ROLLBACK_FAILED: reversing a migration raised an error, or the backward run
// ended with django_migrations not back at the snapshot's own state. Either way,
// the way back from this deploy is broken. Silence: fix the reverse operations.
import { defineCheck, type Draft } from './facts.js';
import { stepFailures } from './step-failures.js';

export const rollbackFailed = defineCheck({
  codes: ['ROLLBACK_FAILED'],
  needs: 'run',
  phase: 'backward',
  inspect({ migrations, intro, appliedAfterBackward, identifiers }) {
    const out: Draft<'ROLLBACK_FAILED'>[] = stepFailures(migrations, 'backward', 'ROLLBACK_FAILED', identifiers, (name, why, err) => ({
      message: `reversing ${name} failed: ${why}`,
      hint: 'fix the reverse of this migration (its reverse_code / reverse_sql, or the state the forward run left behind)',
      details: { errorType: err.type },
    }));
    if (appliedAfterBackward) {
      const before = new Set(intro.appliedRows.map(([a, n]) => `${a}.${n}`));
      const after = new Set(appliedAfterBackward.map(([a, n]) => `${a}.${n}`));
      const extra = [...after].filter((k) => !before.has(k));
      const missing = [...before].filter((k) => !after.has(k));
      if (extra.length || missing.length) {
        out.push({
          code: 'ROLLBACK_FAILED',
          severity: 'error',
          message:
            'after the backward run django_migrations is not the snapshot\'s' +
            (extra.length ? `; still recorded: ${extra.join(', ')}` : '') +
            (missing.length ? `; no longer recorded: ${missing.join(', ')}` : ''),
          hint: 'a reverse removed or kept history rows it should not have; check squashed and cross-app dependencies',
          details: { extra, missing },
        });
      }
    }
    return out;
  },
});
