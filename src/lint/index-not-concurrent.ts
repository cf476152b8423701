// index-not-concurrent: CREATE INDEX without CONCURRENTLY on a table that
// already exists. PostgreSQL holds a SHARE lock for the whole build: every
// INSERT, UPDATE and DELETE on the table waits until the index is built, which
// on a big table is minutes. Safe in Django: django.contrib.postgres.operations
// AddIndexConcurrently (or RemoveIndexConcurrently) in a migration with
// `atomic = False`.
import { createdTables, tableName, type LintRule } from './rule.js';

export const indexNotConcurrent: LintRule = {
  name: 'index-not-concurrent',
  inspect(m) {
    const created = createdTables(m);
    return m.statements.flatMap((s, statement) => {
      const i = /^CREATE (?:UNIQUE )?INDEX (?!CONCURRENTLY)(?:IF NOT EXISTS )?\S+ ON (?:ONLY )?((?:"[^"]+"\.)?"[^"]+"|\S+)/i.exec(s.sql);
      if (!i || created.has(tableName(i[1]!))) return [];
      const table = tableName(i[1]!);
      return [{
        rule: this.name, table, statement, blocks: 'writes' as const,
        message: `builds an index on ${table} without CONCURRENTLY: writes to ${table} wait until it is built`,
        safe: 'AddIndexConcurrently (django.contrib.postgres.operations) in a migration with atomic = False',
      }];
    });
  },
};
