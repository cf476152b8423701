// type-change-rewrite: ALTER COLUMN ... TYPE that rewrites the table. Most type
// changes (integer to bigint, varchar to integer, text to jsonb, a numeric's
// scale) rewrite every row under an ACCESS EXCLUSIVE lock: no reads, no writes
// until done. Widening a varchar or turning it into text does not rewrite.
// Safe in Django: add a new column of the new type, copy in batches, switch the
// code over, then drop the old column (expand and contract over releases).
import { alteredTable, type LintRule } from './rule.js';

/** Changes PostgreSQL makes without a rewrite: to text or a longer varchar, or the same type again. */
const CHEAP = /\bTYPE\s+(text|varchar|character varying)\b(?!\s*\[)/i;

export const typeChangeRewrite: LintRule = {
  name: 'type-change-rewrite',
  inspect(m) {
    return m.statements.flatMap((s, statement) => {
      if (!/\bALTER COLUMN\b[^;]*\bTYPE\b/i.test(s.sql) || (CHEAP.test(s.sql) && !/\bUSING\b/i.test(s.sql))) return [];
      const table = alteredTable(s.sql);
      return [{
        rule: this.name, ...(table ? { table } : {}), statement, blocks: 'reads and writes' as const,
        message: `changes a column type on ${table}: PostgreSQL rewrites the table, blocking reads and writes`,
        safe: 'expand and contract: a new column of the new type, a batched copy, the code switched, the old column dropped later',
      }];
    });
  },
};
