// DATA_LOSS_ROWS: a table that existed in the snapshot has fewer rows after a
// forward step: a dedupe, a purge, or rows taken indirectly by ON DELETE CASCADE
// (Django's collector deletes the children first). Counted exactly, per table, per
// step, so the finding names the migration that did it. Silence: --allow-loss TABLE.
import type { Check, Draft } from './facts.js';

export const dataLossRows: Check = {
  codes: ['DATA_LOSS_ROWS'],
  run({ data, migrations }) {
    const rows = data.forward.filter((l) => l.kind === 'rows');
    return rows.map((l): Draft => {
      const m = migrations[l.step!]!;
      const others = rows.filter((o) => o.step === l.step && o.table !== l.table).map((o) => o.table);
      return {
        code: 'DATA_LOSS_ROWS',
        severity: 'error',
        app: m.app,
        migration: m.migration,
        table: l.table,
        lost: l.lost,
        message:
          `${m.app}.${m.migration} deletes ${l.lost} of ${l.before} rows of ${l.table}` +
          (others.length ? ` (with ${others.length} other table${others.length === 1 ? '' : 's'} in the same step: look for ON DELETE CASCADE)` : ''),
        hint: `if the release means to delete them, pass --allow-loss ${l.table}; otherwise archive them first or change on_delete to PROTECT/SET_NULL`,
        details: { rowsBefore: l.before, rowsAfter: l.after, ...(others.length ? { sameStep: others } : {}) },
      };
    });
  },
};
