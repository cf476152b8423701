// Change detection on hand-made catalog readings: no database.
import { describe, expect, it } from 'vitest';
import type { TableInfo } from '../catalog.js';
import { differsFromSnapshot, intactSince, touchedBetween } from './detect.js';
import { valueType } from './values.js';

const table = (oid: number, filenode: number, cols: Array<[number, string]>): TableInfo => ({
  oid, schema: 'public', name: `t${oid}`, filenode, pk: [1],
  columns: new Map(cols.map(([attnum, type]) => [attnum, { attnum, name: `c${attnum}`, type, value: valueType(type) }])), fks: [],
});
const stats = (entries: Array<[number, number, number, number]>) => new Map(entries.map(([oid, ins, upd, del]) => [oid, { ins, upd, del }]));

describe('change detection', () => {
  const base = new Map([[1, table(1, 10, [[1, 'integer']])], [2, table(2, 20, [[1, 'integer']])], [3, table(3, 30, [[1, 'integer']])]]);
  const prev = { tables: base, stats: stats([[1, 5, 0, 0], [2, 5, 0, 0], [3, 5, 0, 0]]) };

  it('an untouched table (same relfilenode, columns and counters) is left out', () => {
    expect(touchedBetween(base, prev, prev, new Set())).toEqual([]);
  });

  it('names a rewrite, a new column, deleted tuples and a dropped table', () => {
    const now = {
      tables: new Map([[1, table(1, 11, [[1, 'integer']])], [2, table(2, 20, [[1, 'integer'], [2, 'text']])]]),
      stats: stats([[1, 5, 0, 0], [2, 5, 0, 3]]),
    };
    const t = touchedBetween(base, prev, now, new Set());
    expect(t.map((x) => [x.base.oid, x.rewritten, x.colsChanged, x.d.del, x.cur === undefined])).toEqual([
      [1, true, false, 0, false],
      [2, false, true, 3, false],
      [3, false, false, 0, true],
    ]);
  });

  it('skips what an earlier step dropped', () => {
    const now = { tables: new Map([[1, base.get(1)!], [2, base.get(2)!]]), stats: prev.stats };
    expect(touchedBetween(base, prev, now, new Set([3]))).toEqual([]);
  });
});

describe('values intact since the snapshot', () => {
  const base = table(1, 10, [[1, 'integer'], [2, 'text']]);
  const s0 = { ins: 100, upd: 2, del: 1 };
  it('a column added (and dropped again) and rows inserted: intact, nothing to compare', () => {
    expect(intactSince(base, table(1, 10, [[1, 'integer'], [2, 'text'], [3, 'boolean']]), s0, { ins: 150, upd: 2, del: 1 })).toBe(true);
  });
  it.each([
    ['a rewrite', table(1, 11, [[1, 'integer'], [2, 'text']]), { ins: 100, upd: 2, del: 1 }],
    ['an update', base, { ins: 100, upd: 3, del: 1 }],
    ['a delete', base, { ins: 100, upd: 2, del: 2 }],
    ['a snapshot column dropped', table(1, 10, [[1, 'integer']]), { ins: 100, upd: 2, del: 1 }],
    ['a column retyped without a rewrite', table(1, 10, [[1, 'integer'], [2, 'character varying']]), { ins: 100, upd: 2, del: 1 }],
    ['a new table of the same name', { ...table(2, 10, [[1, 'integer'], [2, 'text']]) }, { ins: 100, upd: 2, del: 1 }],
  ])('%s: not intact', (_, cur, s1) => {
    expect(intactSince(base, cur, s0, s1)).toBe(false);
  });
});

describe('differs from the snapshot (which tables the rollback comparison takes)', () => {
  const base = table(1, 10, [[1, 'integer'], [2, 'text']]);
  const s0 = { ins: 100, upd: 2, del: 1 };
  it('the same table, columns and counters: no', () => {
    expect(differsFromSnapshot(base, table(1, 10, [[1, 'integer'], [2, 'text']]), s0, { ...s0 })).toBe(false);
  });
  it.each([
    ['gone', undefined, s0],
    ['a column added', table(1, 10, [[1, 'integer'], [2, 'text'], [3, 'boolean']]), s0],
    ['a row inserted', base, { ins: 101, upd: 2, del: 1 }],
    ['a row updated', base, { ins: 100, upd: 3, del: 1 }],
    ['rewritten', table(1, 11, [[1, 'integer'], [2, 'text']]), s0],
    ['no counters', base, undefined],
  ])('%s: yes', (_, cur, s1) => {
    expect(differsFromSnapshot(base, cur, s0, s1)).toBe(true);
  });
});
