// What a migration's trace (python/rehearse_runner/trace.py) means for live
// traffic, pure: per table, the strongest lock it took, what that lock blocks
// and exactly how long it was held (from the statement that took it to the end
// of its transaction: a lock is never released earlier); the indexes it built;
// its statements, for the report. No sampling: every figure is from the trace.
import type { Trace } from '../../django/protocol.js';

/** PostgreSQL's table lock modes, weakest first. */
export const MODES = [
  'AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock',
  'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock',
] as const;

export type Blocks = 'reads and writes' | 'writes' | 'other DDL only';

/** What a lock mode makes the application wait for: SELECT takes AccessShare, INSERT/UPDATE/DELETE RowExclusive. */
export function blocksOf(mode: string): Blocks {
  if (mode === 'AccessExclusiveLock') return 'reads and writes';
  if (['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock'].includes(mode)) return 'writes';
  return 'other DDL only';
}

const strength = (mode: string) => MODES.indexOf(mode as (typeof MODES)[number]);

export interface TableLock {
  schema: string;
  table: string;
  mode: string;
  blocks: Blocks;
  /** How long the lock was held: from the start of the statement that took it to the end of its transaction. */
  heldMs: number;
  /** The table's rows (estimate) and size on disk when it was locked; -1 when not known. */
  rows: number;
  bytes: number;
  /** The table was rewritten (its relfilenode changed). */
  rewritten: boolean;
  /** The statement that took it (its position in the trace) and that statement's operation. */
  statement: number;
  operation: number | null;
  /** Read from the statement's text (autocommit), not from pg_locks. */
  inferred: boolean;
}

export interface IndexBuild {
  name: string;
  table: string;
  concurrently: boolean;
  ms: number;
}

export interface StatementRecord {
  operation: number | null;
  kind: string | null;
  sql: string;
  ms: number;
  locks: Array<{ table: string; mode: string }>;
}

export interface TraceAnalysis {
  locks: TableLock[];
  indexes: IndexBuild[];
  statements: StatementRecord[];
}

const INDEX = /^CREATE (?:UNIQUE )?INDEX (CONCURRENTLY )?(?:IF NOT EXISTS )?("[^"]+"|\S+) ON (?:ONLY )?((?:"[^"]+"\.)?"[^"]+"|\S+)/i;
const unquote = (s: string) => s.split('.').at(-1)!.replace(/^"|"$/g, '');

/** `rewritten`: "schema.table" of every table whose relfilenode the change replaced. */
export function analyse(trace: Trace, rewritten: ReadonlySet<string>): TraceAnalysis {
  const best = new Map<string, TableLock>();
  trace.statements.forEach((s, i) => {
    const end = s.inTransaction ? (trace.ends.find((e) => e >= s.at + s.ms) ?? trace.ms) : s.at + s.ms;
    for (const l of s.locks) {
      const key = `${l.schema}.${l.table}`;
      const have = best.get(key);
      if (have && strength(have.mode) >= strength(l.mode)) continue;
      best.set(key, {
        schema: l.schema, table: l.table, mode: l.mode, blocks: blocksOf(l.mode), heldMs: round(end - s.at),
        rows: l.rows, bytes: l.bytes, rewritten: rewritten.has(key), statement: i, operation: s.op, inferred: s.inferred,
      });
    }
  });
  const indexes = trace.statements.flatMap((s) => {
    const m = INDEX.exec(s.sql);
    return m ? [{ name: unquote(m[2]!), table: unquote(m[3]!), concurrently: !!m[1], ms: s.ms }] : [];
  });
  const statements = trace.statements.map((s) => ({
    operation: s.op, kind: s.kind, sql: s.sql, ms: s.ms, locks: s.locks.map((l) => ({ table: l.table, mode: l.mode })),
  }));
  return { locks: [...best.values()], indexes, statements };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
