// Change detection, pure: which of the snapshot's tables a step touched, from two
// readings of the catalog and the tuple counters. A table is untouched when its
// relfilenode, its columns and its insert/update/delete counters are unchanged;
// every other table is touched and gets counted and compared.
import type { TableInfo, TupleStats } from '../catalog.js';

export interface Reading {
  tables: Map<number, TableInfo>;
  stats: Map<number, TupleStats>;
}

export interface Touch {
  /** The table as it stood in the snapshot. */
  base: TableInfo;
  /** The table now; undefined when it is gone. */
  cur: TableInfo | undefined;
  /** Its relfilenode changed (a rewrite or TRUNCATE). */
  rewritten: boolean;
  /** Its columns (attnum and type) changed. */
  colsChanged: boolean;
  /** Tuples inserted, updated and deleted by the step. */
  d: TupleStats;
}

const ZERO: TupleStats = { ins: 0, upd: 0, del: 0 };

/** The snapshot tables (not yet gone) that changed between two readings. */
export function touchedBetween(baseline: Map<number, TableInfo>, prev: Reading, now: Reading, gone: ReadonlySet<number>): Touch[] {
  const touched: Touch[] = [];
  for (const base of baseline.values()) {
    if (gone.has(base.oid)) continue;
    const before = prev.tables.get(base.oid);
    if (!before) continue;
    const cur = now.tables.get(base.oid);
    const p = prev.stats.get(base.oid) ?? ZERO;
    const n = now.stats.get(base.oid) ?? p;
    const d = { ins: n.ins - p.ins, upd: n.upd - p.upd, del: n.del - p.del };
    const rewritten = !!cur && cur.filenode !== before.filenode;
    const colsChanged = !!cur && columnsKey(cur) !== columnsKey(before);
    if (cur && !rewritten && !colsChanged && d.ins === 0 && d.upd === 0 && d.del === 0) continue;
    touched.push({ base, cur, rewritten, d, colsChanged });
  }
  return touched;
}


/**
 * Whether every snapshot value of a table is still where it was: the same
 * relation and file (no rewrite, no TRUNCATE), every snapshot column still there
 * with its type, and no tuple updated or deleted since the snapshot (the
 * counters are cumulative). Rows can only have been added then, so nothing needs
 * comparing, whatever the size of the table (a nullable AddField and its reverse).
 */
export function intactSince(base: TableInfo, cur: TableInfo | undefined, s0: TupleStats | undefined, s1: TupleStats | undefined): boolean {
  if (!cur || cur.oid !== base.oid || cur.filenode !== base.filenode || !s0 || !s1) return false;
  for (const c of base.columns.values()) if (cur.columns.get(c.attnum)?.type !== c.type) return false;
  return s1.upd === s0.upd && s1.del === s0.del;
}

/**
 * Whether a table differs in any way from the snapshot's (after a rollback, it
 * may be a new table of the same name): not intact, or a column added, or a row.
 */
export function differsFromSnapshot(base: TableInfo, cur: TableInfo | undefined, s0: TupleStats | undefined, s1: TupleStats | undefined): boolean {
  return !intactSince(base, cur, s0, s1) || columnsKey(cur!) !== columnsKey(base) || s0!.ins !== s1!.ins;
}

export function columnsKey(t: TableInfo): string {
  return [...t.columns.values()].map((c) => `${c.attnum}:${c.type}`).sort().join(',');
}
