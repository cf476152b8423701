// MIGRATION_FAILED: a pending migration raised on the production snapshot. This
// is what an empty dev database never shows: a NOT NULL on a column with NULLs, a
// unique index over duplicates, a cast over bad values. The message carries the
// database's own error (values redacted), and what the failed step left
// behind, from the same observation that follows every step: tables and columns
// it created, rows it inserted, updated or deleted (a non-atomic migration
// commits as it goes), or nothing at all when its transaction was rolled back.
// That is the state a re-run starts from. Silence: fix the data first (a data
// migration before the constraint), then rehearse again.
import type { LeftBehind } from '../observe/data/facts.js';
import type { StepError } from '../report/model.js';
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
  inspect({ migrations, redaction, data }) {
    return stepFailures(migrations, 'forward', 'MIGRATION_FAILED', redaction, (name, why, err, index) => ({
      message: `${name} failed on the snapshot: ${why}${collided(err)}; ${leftText(data.leftBehind.find((l) => l.step === index))}`,
      hint: hintFor(err, data.leftBehind.find((l) => l.step === index)),
      details: {
        errorType: err.type, ...(err.sqlstate ? { sqlstate: err.sqlstate } : {}),
        ...(err.operation ? { operation: err.operation } : {}),
        ...(err.collisions ? { collisions: err.collisions } : {}),
        leftBehind: leftDetails(data.leftBehind.find((l) => l.step === index)),
      },
      ...(err.table ? { table: err.table } : {}),
      ...(err.column ? { column: err.column } : {}),
    }));
  },
});

/** A data step (RunPython, RunSQL) fails differently from a schema step: it is the data step that needs fixing. */
function isDataStep(err: StepError): boolean {
  return err.operation?.kind === 'RunPython' || err.operation?.kind === 'RunSQL';
}

function hintFor(err: StepError, left: LeftBehind | undefined): string {
  if (err.sqlstate === '23505' && isDataStep(err)) {
    const on = err.collisions ? ` on (${err.collisions.columns.join(', ')})` : '';
    return `the data step (${err.operation!.describe}) makes rows collide${on} under an existing unique constraint: ` +
      'merge or dedupe the colliding rows in that data migration, before it writes them';
  }
  const known = err.sqlstate ? HINTS[err.sqlstate] : undefined;
  if (known) return known;
  if (leftDetails(left) !== 'nothing') {
    return 'it committed part of its work before failing: make it safe to re-run from there (skip what is done) or atomic, ' +
      'and reproduce it on the kept sandbox (--keep)';
  }
  return 'reproduce it on the kept sandbox (--keep) and fix the migration or the data first';
}

/** How many rows collide, without any value. */
function collided(err: StepError): string {
  const c = err.collisions;
  if (!c) return '';
  return ` (${c.rows} row${c.rows === 1 ? '' : 's'} in ${c.groups} group${c.groups === 1 ? '' : 's'} would share a value of (${c.columns.join(', ')}))`;
}

/** What a failed step left, in words: counts and names only. */
export function leftText(l: LeftBehind | undefined): string {
  const parts = [
    ...(l?.rows ?? []).flatMap((r) => [
      ...(r.updated ? [`${r.updated} row${r.updated === 1 ? '' : 's'} of ${r.table} updated`] : []),
      ...(r.inserted ? [`${r.inserted} row${r.inserted === 1 ? '' : 's'} of ${r.table} inserted`] : []),
      ...(r.deleted ? [`${r.deleted} row${r.deleted === 1 ? '' : 's'} of ${r.table} deleted`] : []),
    ]),
    ...(l?.created ?? []).map((t) => `table ${t.table} created (${t.rows} row${t.rows === 1 ? '' : 's'})`),
    ...(l?.columns ?? []).map((c) => `column ${c.table}.${c.column} added`),
  ];
  return parts.length ? `left behind: ${parts.join(', ')}; a re-run starts from this state` : 'nothing left behind: its transaction was rolled back';
}

function leftDetails(l: LeftBehind | undefined): Omit<LeftBehind, 'step'> | 'nothing' {
  if (!l || (!l.rows.length && !l.created.length && !l.columns.length)) return 'nothing';
  return { created: l.created, columns: l.columns, rows: l.rows };
}
