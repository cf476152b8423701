// DATA_LOSS_COLUMN: values of a snapshot column are gone: the column was dropped
// (RemoveField, raw SQL) or its values were rewritten (a type change, a data
// migration overwriting them), and they survive in no column of the same rows.
// A value copied to a new column first (expand/contract across several
// migrations) is not lost; a RenameField keeps its attnum and is never reported.
// `lost` counts non-null values (or changed values). Silence: --allow-loss TABLE.COLUMN.
// Not reported: django_content_type's app_label/model, which Django itself rewrites
// when a model is renamed (and renames back on rollback) -- bookkeeping, not data.
import { defineCheck } from './facts.js';
import { attributed, lossFields } from './losses.js';

const DJANGO_RENAMES = new Set(['django_content_type.app_label', 'django_content_type.model']);

export const dataLossColumn = defineCheck({
  codes: ['DATA_LOSS_COLUMN'],
  needs: 'run',
  phase: 'forward',
  allows: 'loss',
  inspect({ data, migrations }) {
    return attributed(data.forward, 'column', migrations)
      .filter((a) => !DJANGO_RENAMES.has(`${a.loss.table}.${a.loss.column}`))
      .map((a) => ({
        code: 'DATA_LOSS_COLUMN',
        severity: 'error',
        ...lossFields(a),
        message: `${a.name} loses ${a.loss.lost} of ${a.loss.before} non-null values of ${a.loss.table}.${a.loss.column}: they survive in no column of the same rows`,
        hint: `copy the values to where they should live in an earlier migration, or pass --allow-loss ${a.loss.table}.${a.loss.column} if they are meant to go`,
        details: { nonNullBefore: a.loss.before },
      }));
  },
});
