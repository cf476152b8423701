// DATA_LOSS_TABLE: a table that held rows is gone after a forward step, whether
// a DeleteModel dropped it or raw SQL in a RunSQL/RunPython did. Seen in the
// database (the table's OID disappeared), not guessed from the operations; a
// RenameModel keeps its OID and is never reported. Silence: --allow-loss TABLE.
import { defineCheck } from './facts.js';
import { attributed, lossFields } from './losses.js';

export const dataLossTable = defineCheck({
  codes: ['DATA_LOSS_TABLE'],
  needs: 'run',
  phase: 'forward',
  allows: 'loss',
  inspect({ data, migrations, commands }) {
    return attributed(data.forward, 'table', { migrations, commands }).map((a) => ({
      code: 'DATA_LOSS_TABLE',
      severity: 'error',
      ...lossFields(a),
      message: a.loss.lost === a.loss.before
        ? `${a.name} drops ${a.loss.table}, which holds ${a.loss.lost} rows`
        : `${a.name} drops ${a.loss.table}: ${a.loss.lost} of its ${a.loss.before} rows live on nowhere else`,
      hint: `if the data is no longer needed, pass --allow-loss ${a.loss.table}; otherwise copy it somewhere first`,
      details: { rowsBefore: a.loss.before },
    }));
  },
});
