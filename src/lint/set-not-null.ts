// set-not-null: ALTER COLUMN ... SET NOT NULL without a validated CHECK
// (column IS NOT NULL) first. PostgreSQL scans the whole table to prove there
// is no NULL, holding ACCESS EXCLUSIVE all the while. With a valid CHECK in
// place it skips the scan. Safe in Django: AddConstraintNotValid with a
// CheckConstraint(condition=Q(col__isnull=False)), ValidateConstraint in a later
// migration, then the AlterField to null=False (and drop the CHECK).
import { alteredTable, type LintRule } from './rule.js';

export const setNotNull: LintRule = {
  name: 'set-not-null',
  inspect(m) {
    const checked = new Set<string>();
    return m.statements.flatMap((s, statement) => {
      const check = /ADD CONSTRAINT \S+ CHECK \(\(?"?(\w+)"? IS NOT NULL\)?\)(?! NOT VALID)/i.exec(s.sql);
      if (check) checked.add(check[1]!);
      const col = /ALTER COLUMN "?(\w+)"? SET NOT NULL/i.exec(s.sql);
      if (!col || checked.has(col[1]!)) return [];
      const table = alteredTable(s.sql);
      return [{
        rule: this.name, ...(table ? { table } : {}), statement, blocks: 'reads and writes' as const,
        message: `sets ${table}.${col[1]} NOT NULL: PostgreSQL scans the whole table for NULLs under an exclusive lock`,
        safe: 'AddConstraintNotValid(CheckConstraint(condition=Q(col__isnull=False))), ValidateConstraint later, then null=False',
      }];
    });
  },
};
