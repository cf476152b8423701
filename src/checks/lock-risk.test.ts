import { describe, expect, it } from 'vitest';
import { runFacts } from '../../test/helpers/facts.js';
import type { TableLock } from '../observe/locks/analysis.js';
import type { LockFacts, StepLocks } from '../observe/locks/watch.js';
import { lockRisk } from './lock-risk.js';

const lock = (over: Partial<TableLock>): TableLock => ({
  schema: 'public', table: 'shop_order', mode: 'ShareLock', blocks: 'writes', heldMs: 10, rows: 2000, bytes: 100_000,
  rewritten: false, statement: 0, operation: 0, inferred: false, ...over,
});
const step = (locks: TableLock[], phase: StepLocks['phase'] = 'forward'): StepLocks => ({
  phase, index: 0, app: 'shop', migration: '0003_idx', ms: 20, walBytes: 1, locks, indexes: [], statements: [],
});
const hit = { rule: 'index-not-concurrent', table: 'shop_order', blocks: 'writes' as const, message: 'builds an index', safe: 'AddIndexConcurrently' };
const facts = (locks: LockFacts, maxLockMs = 2000) => runFacts({ locks, budgets: { maxLockMs } });

describe('LOCK_RISK', () => {
  it('a lock that blocks writes on a table with data, over the budget, is an error naming mode, time, rows and the safe way', () => {
    const f = lockRisk.inspect(facts({ steps: [step([lock({ heldMs: 2500, rows: 3_000_000 })])], lint: [{ app: 'shop', migration: '0003_idx', direction: 'forward', hits: [hit] }] }));
    expect(f).toEqual([expect.objectContaining({ code: 'LOCK_RISK', severity: 'error', migration: '0003_idx', table: 'shop_order', hint: 'AddIndexConcurrently' })]);
    expect(f[0]!.message).toMatch(/would block writes on shop_order for ~2,500 ms at today's ~3,000,000 rows \(ShareLock\): over the 2,000 ms budget/);
  });

  it('over 100 ms and under the budget is a warning; a rewrite says so', () => {
    const [f] = lockRisk.inspect(facts({ steps: [step([lock({ mode: 'AccessExclusiveLock', blocks: 'reads and writes', heldMs: 400, rewritten: true })])], lint: [] }));
    expect(f).toMatchObject({ severity: 'warning', details: { rewritten: true, blocks: 'reads and writes' } });
    expect(f!.message).toMatch(/rewriting the table/);
  });

  it('the lint\'s worry, measured harmless, is info with the measured figure; the same lock on an empty table is nothing more', () => {
    const lint = [{ app: 'shop', migration: '0003_idx', direction: 'forward' as const, hits: [hit] }];
    expect(lockRisk.inspect(facts({ steps: [step([lock({ heldMs: 3 })])], lint })).map((x) => x.severity)).toEqual(['info']);
    expect(lockRisk.inspect(facts({ steps: [step([lock({ heldMs: 5000, rows: 0, bytes: 0 })])], lint })).map((x) => x.severity)).toEqual(['info']);
  });

  it('says nothing about a short lock no rule worried about, nor one that blocks only other DDL', () => {
    expect(lockRisk.inspect(facts({ steps: [step([lock({ heldMs: 20 }), lock({ mode: 'ShareUpdateExclusiveLock', blocks: 'other DDL only', heldMs: 9000 })])], lint: [] }))).toEqual([]);
  });
});
