// DATA_LOSS_COLUMN: values of a snapshot column are gone: the column was dropped
// (RemoveField, raw SQL) or its values were rewritten (a type change, a data
// migration overwriting them), and they survive in no column of the same rows.
// A value copied to a new column first (expand/contract across several
// migrations) is not lost; a RenameField keeps its attnum and is never reported.
// `lost` counts non-null values (or changed values). Silence: --allow-loss TABLE.COLUMN.
// Not reported: django_content_type's app_label/model, which Django itself rewrites
// when a model is renamed (and renames back on rollback) -- bookkeeping, not data.
import type { Check } from './facts.js';

const DJANGO_RENAMES = new Set(['django_content_type.app_label', 'django_content_type.model']);

export const dataLossColumn: Check = {
  codes: ['DATA_LOSS_COLUMN'],
  run({ data, migrations }) {
    return data.forward
      .filter((l) => l.kind === 'column' && !DJANGO_RENAMES.has(`${l.table}.${l.column}`))
      .map((l) => {
        const m = migrations[l.step!]!;
        return {
          code: 'DATA_LOSS_COLUMN' as const,
          severity: 'error' as const,
          app: m.app,
          migration: m.migration,
          table: l.table,
          column: l.column!,
          lost: l.lost,
          message: `${m.app}.${m.migration} loses ${l.lost} of ${l.before} non-null values of ${l.table}.${l.column}: they survive in no column of the same rows`,
          hint: `copy the values to where they should live in an earlier migration, or pass --allow-loss ${l.table}.${l.column} if they are meant to go`,
          details: { nonNullBefore: l.before },
        };
      });
  },
};
