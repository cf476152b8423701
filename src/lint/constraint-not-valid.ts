// constraint-not-valid: ADD CONSTRAINT ... FOREIGN KEY or CHECK without NOT
// VALID on a table that exists. PostgreSQL validates every row while holding a
// lock that blocks writes (a foreign key locks the referenced table too). Safe
// in Django: AddConstraintNotValid, then ValidateConstraint in a later
// migration (validation takes a lock that lets reads and writes through).
import { alteredTable, createdTables, type LintRule } from './rule.js';

export const constraintNotValid: LintRule = {
  name: 'constraint-not-valid',
  inspect(m) {
    const created = createdTables(m);
    return m.statements.flatMap((s, statement) => {
      if (!/ADD CONSTRAINT \S+ (FOREIGN KEY|CHECK)\b/i.test(s.sql) || /\bNOT VALID\b/i.test(s.sql)) return [];
      const table = alteredTable(s.sql);
      if (!table || created.has(table)) return [];
      return [{
        rule: this.name, table, statement, blocks: 'writes' as const,
        message: `adds a constraint to ${table} and validates every row at once, blocking writes meanwhile`,
        safe: 'AddConstraintNotValid, then ValidateConstraint in a later migration',
      }];
    });
  },
};
