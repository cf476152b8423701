// volatile-default: ADD COLUMN with a volatile default (now(), random(),
// gen_random_uuid(), clock_timestamp()). A constant default is a metadata-only
// change since PostgreSQL 11; a volatile one makes PostgreSQL rewrite the whole
// table under an ACCESS EXCLUSIVE lock, blocking reads and writes. Safe in
// Django: add the column nullable without a default, backfill it in batches,
// then set the default (db_default) and NOT NULL in later migrations.
import { alteredTable, type LintRule } from './rule.js';

const VOLATILE = /\bDEFAULT\s+[^,;]*\b(now|random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|statement_timestamp|timeofday|nextval)\s*\(/i;

export const volatileDefault: LintRule = {
  name: 'volatile-default',
  inspect(m) {
    return m.statements.flatMap((s, statement) => {
      if (!/\bADD COLUMN\b/i.test(s.sql) || !VOLATILE.test(s.sql)) return [];
      const table = alteredTable(s.sql);
      return [{
        rule: this.name, ...(table ? { table } : {}), statement, blocks: 'reads and writes' as const,
        message: `adds a column to ${table} with a volatile default: PostgreSQL rewrites the table, blocking reads and writes`,
        safe: 'add it nullable without a default, backfill in batches, then set db_default and NOT NULL in later migrations',
      }];
    });
  },
};
