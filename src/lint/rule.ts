// A lint rule reads one migration's SQL, as `manage.py sqlmigrate` prints it,
// with the operation each statement belongs to, and says what will hurt live
// traffic during the deploy: a lock held too long, a rewrite, old code broken
// while the new code rolls out. One rule per file, each with a doc comment:
// what it means, why it hurts, and the safe way to do it in Django. Their hits
// become LOCK_RISK findings, judged against what the rehearsal measured
// (checks/lock-risk.ts). Registered in ./index.ts.

/** One statement of a migration, in the order sqlmigrate prints them. */
export interface LintStatement {
  sql: string;
  /** The operation it belongs to (its position in the migration); null for SQL the migration defers to its end. */
  operation: number | null;
}

export interface LintOperation {
  kind: string;
  describe: string;
  /** AddField/AlterField: whether the column may hold NULL, and its Python and database defaults. */
  field?: { null: boolean; hasDefault: boolean; dbDefault: boolean };
}

export interface LintMigration {
  app: string;
  name: string;
  atomic: boolean;
  direction: 'forward' | 'backward';
  operations: LintOperation[];
  statements: LintStatement[];
}

export interface LintHit {
  rule: string;
  /** The table it is about, as the SQL names it. */
  table?: string;
  /** The statement's position in the migration. */
  statement?: number;
  message: string;
  /** The safe way to do it in Django. */
  safe: string;
  /** What the lock it takes blocks, when the rule is about a lock. */
  blocks?: 'reads and writes' | 'writes' | 'other DDL only';
}

export interface LintRule {
  /** kebab-case, as findings name it. */
  name: string;
  inspect(m: LintMigration): LintHit[];
}

/** `"schema"."table"` or `"table"` as SQL writes it, unquoted. */
export function tableName(quoted: string): string {
  return quoted.split('.').map((p) => p.replace(/^"|"$/g, '').replace(/""/g, '"')).at(-1)!;
}

/** The tables a migration creates (new tables take no lock anyone waits on). */
export function createdTables(m: LintMigration): Set<string> {
  const out = new Set<string>();
  for (const s of m.statements) {
    const t = /^CREATE TABLE (?:IF NOT EXISTS )?((?:"[^"]+"\.)?"[^"]+"|\S+)/i.exec(s.sql);
    if (t) out.add(tableName(t[1]!));
  }
  return out;
}

/** The table an ALTER TABLE statement alters. */
export function alteredTable(sql: string): string | undefined {
  const t = /^ALTER TABLE (?:ONLY )?(?:IF EXISTS )?((?:"[^"]+"\.)?"[^"]+"|\S+)/i.exec(sql);
  return t ? tableName(t[1]!) : undefined;
}
