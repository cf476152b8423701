// ROLLBACK_DATA_LOSS: after the backward run reached the snapshot's recorded
// state, the data is not the snapshot's: rows missing (a dedupe whose reverse is a
// noop), values emptied (RemoveField reversed re-adds the column empty) or changed
// (auth 0005's reverse fills NULL last_login). Rolling back the deploy would not
// bring the data back. Extra rows (Django's stale content types and permissions)
// are normal and not reported. Silence: a reverse that restores the data, or
// --allow-loss TABLE[.COLUMN] when the loss is accepted.
import { defineCheck } from './facts.js';
import { attributed, lossFields } from './losses.js';

export const rollbackDataLoss = defineCheck({
  codes: ['ROLLBACK_DATA_LOSS'],
  needs: 'run',
  phase: 'backward',
  allows: 'loss',
  inspect({ data, migrations, commands }) {
    return attributed(data.rollback, undefined, { migrations, commands }).map((a) => {
      const l = a.loss;
      const by = a.name ? `rolling back ${a.name}` : 'the rollback';
      const message =
        l.kind === 'table'
          ? `after ${by}, ${l.table} is gone: ${l.lost} rows of the snapshot are not restored`
          : l.kind === 'rows'
            ? `after ${by}, ${l.table} has ${l.after} of the snapshot's ${l.before} rows: ${l.lost} are not restored`
            : `after ${by}, ${l.lost} values of ${l.table}.${l.column} differ from the snapshot (missing or changed)`;
      return {
        code: 'ROLLBACK_DATA_LOSS',
        severity: 'error',
        ...lossFields(a),
        message,
        hint: 'give the migration a reverse that restores the data (keep a copy on the way forward), or accept it with --allow-loss',
        details: { before: l.before, after: l.after, kind: l.kind },
      };
    });
  },
});
