// drop-column: a column dropped in the same release that removes its field
// from the model. Until every instance runs the new code, the old code still
// SELECTs and INSERTs that column by name, and fails. Safe in Django: remove
// the field from the model in one release (SeparateDatabaseAndState with only
// the state operation), and drop the column in the next.
import { alteredTable, type LintRule } from './rule.js';

export const dropColumn: LintRule = {
  name: 'drop-column',
  inspect(m) {
    if (m.direction !== 'forward') return [];
    return m.statements.flatMap((s, statement) => {
      const col = /\bDROP COLUMN (?:IF EXISTS )?"?(\w+)"?/i.exec(s.sql);
      const op = s.operation !== null ? m.operations[s.operation] : undefined;
      // A drop in a SeparateDatabaseAndState (or raw SQL) is the second step: the model stopped using it before.
      if (!col || op?.kind !== 'RemoveField') return [];
      const table = alteredTable(s.sql);
      return [{
        rule: this.name, ...(table ? { table } : {}), statement,
        message: `drops ${table}.${col[1]} in the release that removes the field: the release before still reads it during the deploy`,
        safe: 'remove the field from the model first (SeparateDatabaseAndState, state only), drop the column in the next release',
      }];
    });
  },
};
