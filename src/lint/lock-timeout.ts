// lock-timeout: a migration that takes an ACCESS EXCLUSIVE lock (ALTER TABLE,
// DROP, a rewrite) without SET lock_timeout. Waiting for that lock behind one
// long-running query queues every other query on the table behind it: the site
// stops. A lock_timeout makes the migration fail fast instead (and retry).
// Safe in Django: RunSQL("SET lock_timeout = '2s'") first in the migration (or
// in the connection's OPTIONS for migrations), and a statement_timeout too.
import { alteredTable, createdTables, type LintRule } from './rule.js';

export const lockTimeout: LintRule = {
  name: 'lock-timeout',
  inspect(m) {
    if (m.statements.some((s) => /\bSET (LOCAL )?lock_timeout\b/i.test(s.sql))) return [];
    const created = createdTables(m);
    const first = m.statements.findIndex((s) => {
      const table = alteredTable(s.sql);
      return /^(ALTER TABLE|DROP TABLE|TRUNCATE)\b/i.test(s.sql) && !(table && created.has(table));
    });
    if (first < 0) return [];
    const table = alteredTable(m.statements[first]!.sql);
    return [{
      rule: this.name, ...(table ? { table } : {}), statement: first,
      message: `takes an exclusive lock${table ? ` on ${table}` : ''} with no lock_timeout: stuck behind one slow query, it queues every query on the table`,
      safe: "RunSQL(\"SET lock_timeout = '2s'\") at the start of the migration (and a statement_timeout)",
    }];
  },
};
