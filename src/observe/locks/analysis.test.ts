// The trace's meaning, on hand-made traces: no database.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../django/protocol.js';
import { analyse, blocksOf } from './analysis.js';

const lock = (table: string, mode: string, rows = 1_000_000) => ({ oid: 1, schema: 'public', table, mode, rows, bytes: rows * 100 });
const stmt = (over: Partial<Trace['statements'][number]>): Trace['statements'][number] => ({
  op: 0, kind: 'AddIndex', sql: 'x', at: 0, ms: 1, inTransaction: true, locks: [], inferred: false, ...over,
});

describe('lock analysis', () => {
  it('holds a lock taken in a transaction from its statement until the commit', () => {
    const trace: Trace = {
      statements: [
        stmt({ sql: 'CREATE INDEX "i" ON "shop_order" ("total")', at: 10, ms: 900, locks: [lock('shop_order', 'ShareLock')] }),
        stmt({ op: 1, sql: 'ALTER TABLE "shop_customer" ADD COLUMN "x" integer NULL', at: 911, ms: 2, locks: [lock('shop_customer', 'AccessExclusiveLock', 500)] }),
      ],
      ends: [1000], ms: 1010,
    };
    const a = analyse(trace, new Set());
    expect(a.locks.map((l) => [l.table, l.mode, l.blocks, l.heldMs, l.rows])).toEqual([
      ['shop_order', 'ShareLock', 'writes', 990, 1_000_000],
      ['shop_customer', 'AccessExclusiveLock', 'reads and writes', 89, 500],
    ]);
    expect(a.indexes).toEqual([{ name: 'i', table: 'shop_order', concurrently: false, ms: 900 }]);
  });

  it('keeps the strongest lock per table, and in autocommit holds it only as long as the statement', () => {
    const trace: Trace = {
      statements: [
        stmt({ sql: 'CREATE INDEX CONCURRENTLY "i" ON "t" ("a")', at: 0, ms: 50, inTransaction: false, inferred: true, locks: [lock('t', 'ShareUpdateExclusiveLock')] }),
        stmt({ sql: 'ALTER TABLE "t" ALTER COLUMN "a" TYPE bigint', at: 60, ms: 30, inTransaction: false, inferred: true, locks: [lock('t', 'AccessExclusiveLock')] }),
        stmt({ sql: 'VACUUM "t"', at: 100, ms: 5, inTransaction: false, inferred: true, locks: [lock('t', 'ShareUpdateExclusiveLock')] }),
      ],
      ends: [], ms: 200,
    };
    const [l] = analyse(trace, new Set(['public.t'])).locks;
    expect(l).toMatchObject({ table: 't', mode: 'AccessExclusiveLock', heldMs: 30, rewritten: true, statement: 1, inferred: true });
  });

  it('says what each mode blocks', () => {
    expect(['AccessExclusiveLock', 'ExclusiveLock', 'ShareLock', 'ShareUpdateExclusiveLock', 'RowExclusiveLock'].map(blocksOf))
      .toEqual(['reads and writes', 'writes', 'writes', 'other DDL only', 'other DDL only']);
  });
});
