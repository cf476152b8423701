// DATA_MOVED (info): rows that left a table (deleted, or with the table
// dropped) but live on whole where the release put them: in an archive table
// that kept their primary key and every value, or in the row they referenced
// (a one-to-one folded into its parent). Not a loss: this is what "archive
// them first" looks like. `lost` here counts the rows moved.
import { defineCheck } from './facts.js';
import { attributed, lossFields } from './losses.js';

export const dataMoved = defineCheck({
  codes: ['DATA_MOVED'],
  needs: 'run',
  phase: 'forward',
  inspect({ data, migrations, commands }) {
    return attributed(data.forward, 'moved', { migrations, commands }).map((a) => ({
      code: 'DATA_MOVED',
      severity: 'info',
      ...lossFields(a),
      message: `${a.name} moves ${a.loss.lost} rows of ${a.loss.table} to ${(a.loss.to ?? []).join(', ') || 'another table'}: every value lives on there`,
      details: { moved: a.loss.lost, to: a.loss.to ?? [] },
    }));
  },
});
