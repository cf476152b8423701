// HISTORY_INCONSISTENT: a migration is recorded as applied while one of its
// dependencies is not. Django refuses to migrate at all (InconsistentMigrationHistory),
// so the deploy would stop at its first step. Every such pair is named, not only the
// first one Django trips over. Silence: fix the history (fake the missing dependency
// if its schema is there, or unapply the dependant).
import { defineCheck } from './facts.js';

export const historyInconsistent = defineCheck({
  codes: ['HISTORY_INCONSISTENT'],
  needs: 'static',
  phase: 'history',
  inspect({ intro }) {
    return intro.inconsistent.map((i) => ({
      code: 'HISTORY_INCONSISTENT',
      severity: 'error',
      app: i.app,
      migration: i.name,
      message: `${i.app}.${i.name} is recorded as applied before its dependency ${i.parentApp}.${i.parentName}`,
      hint: `check whether ${i.parentApp}.${i.parentName}'s schema exists; if so record it (migrate --fake ${i.parentApp} ${i.parentName}), otherwise unapply ${i.app}.${i.name}`,
      details: { dependency: { app: i.parentApp, migration: i.parentName } },
    }));
  },
});
