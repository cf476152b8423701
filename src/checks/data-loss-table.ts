// DATA_LOSS_TABLE: a table that held rows is gone after a forward step, whether
// a DeleteModel dropped it or raw SQL in a RunSQL/RunPython did. Seen in the
// database (the table's OID disappeared), not guessed from the operations; a
// RenameModel keeps its OID and is never reported. Silence: --allow-loss TABLE.
import type { Check } from './facts.js';

export const dataLossTable: Check = {
  codes: ['DATA_LOSS_TABLE'],
  run({ data, migrations }) {
    return data.forward
      .filter((l) => l.kind === 'table')
      .map((l) => {
        const m = migrations[l.step!]!;
        return {
          code: 'DATA_LOSS_TABLE' as const,
          severity: 'error' as const,
          app: m.app,
          migration: m.migration,
          table: l.table,
          lost: l.lost,
          message: `${m.app}.${m.migration} drops ${l.table}, which holds ${l.lost} rows`,
          hint: `if the data is no longer needed, pass --allow-loss ${l.table}; otherwise copy it somewhere first`,
          details: { rowsBefore: l.before },
        };
      });
  },
};
