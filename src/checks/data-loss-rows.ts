// DATA_LOSS_ROWS: a table that existed in the snapshot has fewer rows after a
// forward step: a dedupe, a purge, or rows taken indirectly by ON DELETE CASCADE
// (Django's collector deletes the children first). Counted exactly, per table, per
// step, so the finding names the migration that did it. Silence: --allow-loss TABLE.
import { defineCheck } from './facts.js';
import { attributed, lossFields } from './losses.js';

export const dataLossRows = defineCheck({
  codes: ['DATA_LOSS_ROWS'],
  needs: 'run',
  phase: 'forward',
  allows: 'loss',
  inspect({ data, migrations, commands }) {
    const rows = attributed(data.forward, 'rows', { migrations, commands });
    return rows.map((a) => {
      const others = rows.filter((o) => o.loss.step === a.loss.step && o.loss.table !== a.loss.table).map((o) => o.loss.table);
      return {
        code: 'DATA_LOSS_ROWS',
        severity: 'error',
        ...lossFields(a),
        message:
          `${a.name} deletes ${a.loss.lost} of ${a.loss.before} rows of ${a.loss.table}` +
          (others.length ? ` (with ${others.length} other table${others.length === 1 ? '' : 's'} in the same step: look for ON DELETE CASCADE)` : ''),
        hint: `if the release means to delete them, pass --allow-loss ${a.loss.table}; otherwise archive them first or change on_delete to PROTECT/SET_NULL`,
        details: {
          rowsBefore: a.loss.before, rowsAfter: a.loss.after,
          ...(others.length ? { sameStep: others } : {}),
          ...(a.loss.references?.length ? { references: a.loss.references } : {}),
        },
      };
    });
  },
});
