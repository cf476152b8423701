// ROLLBACK_DATA_LOSS: after the backward run reached the snapshot's recorded
// state, the data is not the snapshot's: rows missing (a dedupe whose reverse is a
// noop), values emptied (RemoveField reversed re-adds the column empty) or changed
// (auth 0005's reverse fills NULL last_login). Rolling back the deploy would not
// bring the data back. Extra rows (Django's stale content types and permissions)
// are normal and not reported. Silence: a reverse that restores the data, or
// --allow-loss TABLE[.COLUMN] when the loss is accepted.
import type { Check, Draft } from './facts.js';

export const rollbackDataLoss: Check = {
  codes: ['ROLLBACK_DATA_LOSS'],
  run({ data, migrations }) {
    return data.rollback.map((l): Draft => {
      const m = l.step !== undefined ? migrations[l.step] : undefined;
      const where = m ? { app: m.app, migration: m.migration } : {};
      const by = m ? `rolling back ${m.app}.${m.migration}` : 'the rollback';
      const message =
        l.kind === 'table'
          ? `after ${by}, ${l.table} is gone: ${l.lost} rows of the snapshot are not restored`
          : l.kind === 'rows'
            ? `after ${by}, ${l.table} has ${l.after} of the snapshot's ${l.before} rows: ${l.lost} are not restored`
            : `after ${by}, ${l.lost} values of ${l.table}.${l.column} differ from the snapshot (missing or changed)`;
      return {
        code: 'ROLLBACK_DATA_LOSS',
        severity: 'error',
        ...where,
        table: l.table,
        ...(l.column ? { column: l.column } : {}),
        lost: l.lost,
        message,
        hint: 'give the migration a reverse that restores the data (keep a copy in the forward), or accept it with --allow-loss',
        details: { before: l.before, after: l.after, kind: l.kind },
      };
    });
  },
};
