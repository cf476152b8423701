// DATA_LOSS_COLUMN: values of a snapshot column are gone because the column was
// dropped (RemoveField, raw SQL) or a type change altered them (numeric scale
// reduced, text truncated, a timestamp cast to a date), and they live on nowhere
// the release put them: not in a column of the same row it added or wrote, not
// in a row linked by a foreign key in a table it created or wrote. Values are
// compared as values, across types (observe/data/values.ts): text moved into
// bytea, int into bigint or json into jsonb is not a loss. A RenameField keeps
// its attnum and is never reported; values rewritten in place by a data
// migration are DATA_OVERWRITTEN. `lost` counts non-null values.
// Silence: --allow-loss TABLE.COLUMN.
import { defineCheck } from './facts.js';
import { attributed, lossFields } from './losses.js';

export const dataLossColumn = defineCheck({
  codes: ['DATA_LOSS_COLUMN'],
  needs: 'run',
  phase: 'forward',
  allows: 'loss',
  inspect({ data, migrations, commands }) {
    return attributed(data.forward, 'column', { migrations, commands }).map((a) => ({
      code: 'DATA_LOSS_COLUMN',
      severity: 'error',
      ...lossFields(a),
      message: `${a.name} loses ${a.loss.lost} of ${a.loss.before} non-null values of ${a.loss.table}.${a.loss.column}: ` +
        'they live on nowhere the release put them',
      hint: `copy the values to where they should live in an earlier migration, or pass --allow-loss ${a.loss.table}.${a.loss.column} if they are meant to go`,
      details: { nonNullBefore: a.loss.before },
    }));
  },
});
