// DATA_OVERWRITTEN (warning): a data migration changed values of a column in
// place (lowercased emails, recalculated scores) and the old values survive
// nowhere. Transforming data is normal work; what makes it dangerous is a way
// back that does not exist, and that is judged elsewhere: IRREVERSIBLE when the
// migration has no reverse, ROLLBACK_DATA_LOSS when its reverse leaves the
// values different from the snapshot. `lost` counts the values overwritten.
// Silence: --allow-overwrite TABLE.COLUMN.
import { defineCheck } from './facts.js';
import { attributed, lossFields } from './losses.js';

export const dataOverwritten = defineCheck({
  codes: ['DATA_OVERWRITTEN'],
  needs: 'run',
  phase: 'forward',
  allows: 'overwrite',
  inspect({ data, migrations, commands }) {
    return attributed(data.forward, 'overwritten', { migrations, commands }).map((a) => ({
      code: 'DATA_OVERWRITTEN',
      severity: 'warning',
      ...lossFields(a),
      message: `${a.name} overwrites ${a.loss.lost} of ${a.loss.before} non-null values of ${a.loss.table}.${a.loss.column} in place; the old values are kept nowhere`,
      hint: `meant, with a way back? pass --allow-overwrite ${a.loss.table}.${a.loss.column}; keep the old values if a rollback must restore them`,
      details: { nonNullBefore: a.loss.before },
    }));
  },
});
