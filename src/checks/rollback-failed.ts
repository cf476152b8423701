// ROLLBACK_FAILED: reversing a migration raised an error, or the backward run
// ended with django_migrations not back at the snapshot's own state. Either way,
// the way back from this deploy is broken. Silence: fix the reverse operations.
import { defineCheck, type Draft } from './facts.js';
import { expandSquashes } from './squashes.js';
import { stepFailures } from './step-failures.js';

export const rollbackFailed = defineCheck({
  codes: ['ROLLBACK_FAILED'],
  needs: 'run',
  phase: 'backward',
  inspect({ migrations, intro, appliedAfterBackward, redaction }) {
    const out: Draft<'ROLLBACK_FAILED'>[] = stepFailures(migrations, 'backward', 'ROLLBACK_FAILED', redaction, (name, why, err) => ({
      message: `reversing ${name} failed: ${why}`,
      hint: 'fix the reverse of this migration (its reverse_code / reverse_sql, or the state the forward run left behind)',
      details: { errorType: err.type },
    }));
    if (!appliedAfterBackward) return out;
    // A squash's row stands for its originals: Django writes it whenever they are all applied.
    const before = expandSquashes(intro.appliedRows, intro.squashes);
    const after = expandSquashes(appliedAfterBackward, intro.squashes);
    for (const [key, state] of [
      ...[...after].filter((k) => !before.has(k)).map((k) => [k, 'still recorded'] as const),
      ...[...before].filter((k) => !after.has(k)).map((k) => [k, 'no longer recorded'] as const),
    ]) {
      const [app, migration] = key.split(/\.(.*)/) as [string, string];
      out.push({
        code: 'ROLLBACK_FAILED', severity: 'error', app, migration,
        message: `after the backward run django_migrations is not the snapshot's: ${key} is ${state}`,
        hint: 'a reverse removed or kept history rows it should not have; check squashed and cross-app dependencies',
        details: { [state === 'still recorded' ? 'extra' : 'missing']: [key] },
      });
    }
    return out;
  },
});
