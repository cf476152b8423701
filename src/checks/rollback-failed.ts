// ROLLBACK_FAILED: reversing a migration raised an error, or the backward run
// ended with django_migrations not back at the snapshot's own state. Either way,
// the way back from this deploy is broken. Silence: fix the reverse operations.
import { redactError } from '../report/redact.js';
import type { Check, Draft } from './facts.js';

export const rollbackFailed: Check = {
  codes: ['ROLLBACK_FAILED'],
  run({ migrations, intro, appliedAfterBackward, identifiers }) {
    const out: Draft[] = [];
    for (const m of migrations) {
      if (m.backward.status !== 'failed' || !m.backward.error) continue;
      out.push({
        code: 'ROLLBACK_FAILED',
        severity: 'error',
        app: m.app,
        migration: m.migration,
        message: `reversing ${m.app}.${m.migration} failed: ${redactError(m.backward.error, identifiers)}`,
        hint: 'fix the reverse of this migration (its reverse_code / reverse_sql, or the state the forward run left behind)',
        details: { errorType: m.backward.error.type },
      });
    }
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
};
