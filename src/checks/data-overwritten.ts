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
  inspect({ data, migrations }) {
    return attributed(data.forward, 'overwritten', migrations).map((a) => ({
      code: 'DATA_OVERWRITTEN',
      severity: 'warning',
      ...lossFields(a),
      message: `${a.name} overwrites ${a.loss.lost} of ${a.loss.before} non-null values of ${a.loss.table}.${a.loss.column} in place; the old values are kept nowhere`,
      hint: 'fine if the rewrite is meant and the way back holds (see IRREVERSIBLE and ROLLBACK_DATA_LOSS); ' +
        `keep the old values in a column if a rollback must restore them, or pass --allow-overwrite ${a.loss.table}.${a.loss.column}`,
      details: { nonNullBefore: a.loss.before },
    }));
  },
});
