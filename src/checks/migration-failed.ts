// MIGRATION_FAILED: a pending migration raised on the production snapshot. This
// is what an empty dev database never shows: a NOT NULL on a column with NULLs, a
// unique index over duplicates, a cast over bad values. The message carries the
// database's own error (values redacted). Silence: fix the data first (a data
// migration before the constraint), then rehearse again.
import { defineCheck } from './facts.js';
import { stepFailures } from './step-failures.js';

const HINTS: Record<string, string> = {
  '23502': 'some rows hold NULL where the new schema forbids it: backfill them in a data migration before this one, or give the field a default',
  '23505': 'existing rows are duplicates under the new unique constraint: dedupe them (and decide which to keep) before adding it',
  '23503': 'a foreign key does not hold on production rows: clean up the orphans before adding it, or delete the referencing rows first',
  '23514': 'existing rows violate the new check constraint: fix them before adding it, or add it NOT VALID and validate later',
  '22P02': 'existing values cannot be converted to the new type: clean them or convert with an explicit USING expression',
};

export const migrationFailed = defineCheck({
  codes: ['MIGRATION_FAILED'],
  needs: 'run',
  phase: 'forward',
  inspect({ migrations, identifiers }) {
    return stepFailures(migrations, 'forward', 'MIGRATION_FAILED', identifiers, (name, why, err) => ({
      message: `${name} failed on the snapshot: ${why}`,
      hint: (err.sqlstate && HINTS[err.sqlstate]) || 'reproduce it on the kept sandbox (--keep) and fix the migration or the data first',
      details: { errorType: err.type, ...(err.sqlstate ? { sqlstate: err.sqlstate } : {}) },
      ...(err.table ? { table: err.table } : {}),
      ...(err.column ? { column: err.column } : {}),
    }));
  },
});
