// add-field-default: AddField of a NOT NULL column with a Python `default=` and
// no `db_default=`. Django sets the default on the table only for the
// migration and drops it again, so the release before, whose INSERTs do not
// name the column, fails with a NOT NULL violation until the deploy is done.
// Safe in Django (5.0+): db_default= on the field, which stays in the table.
import type { LintRule } from './rule.js';

export const addFieldDefault: LintRule = {
  name: 'add-field-default',
  inspect(m) {
    if (m.direction !== 'forward') return [];
    return m.operations.flatMap((op, i) => {
      if (op.kind !== 'AddField' || !op.field || op.field.null || !op.field.hasDefault || op.field.dbDefault) return [];
      return [{
        rule: this.name,
        message: `${op.describe} as NOT NULL with a Python default only: the release before inserts rows without it and fails until the deploy ends`,
        safe: 'db_default= (Django 5.0+), which stays in the table, or null=True first',
        statement: m.statements.findIndex((s) => s.operation === i),
      }];
    });
  },
};
