// rename: a table or column renamed. The code of the release before keeps
// using the old name until every instance is replaced, so during the deploy it
// fails on every query that touches it. Safe in Django: keep the database name
// (db_column / db_table on the renamed field or model), or add the new
// column, write to both, and drop the old one in a later release.
import { alteredTable, type LintRule } from './rule.js';

export const rename: LintRule = {
  name: 'rename',
  inspect(m) {
    return m.statements.flatMap((s, statement) => {
      const col = /\bRENAME COLUMN "?(\w+)"? TO "?(\w+)"?/i.exec(s.sql);
      const tbl = !col && /^ALTER TABLE \S+ RENAME TO "?(\w+)"?/i.exec(s.sql);
      if (!col && !tbl) return [];
      const table = alteredTable(s.sql);
      return [{
        rule: this.name, ...(table ? { table } : {}), statement,
        message: col
          ? `renames ${table}.${col[1]} to ${col[2]}: the release before still queries ${col[1]} while the deploy rolls out`
          : `renames ${table} to ${(tbl as RegExpExecArray)[1]}: the release before still queries ${table} while the deploy rolls out`,
        safe: 'keep the database name (db_column=, db_table=), or add the new one, write to both, drop the old in a later release',
      }];
    });
  },
};
