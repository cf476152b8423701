// Where the release could have put a snapshot value, pure: from the snapshot's
// catalog, the catalog now, and what the release wrote. A value survives only
// there, never by coincidence in a column nobody touched (a sibling boolean
// that happens to hold the same true or false).
//   - the same row: a column the release added, or one whose values it changed;
//   - a row linked by a foreign key, either direction, in a table the release
//     created (any column) or wrote (the columns it added or changed);
// and where a whole missing row could live on:
//   - an archive: a table the release created or inserted into, holding the
//     row's primary key in some column and every other value in the same row;
//   - the row the missing one referenced (a one-to-one folded into its parent).
import type { ColumnInfo, TableInfo, TupleStats } from '../catalog.js';
import type { Place, Target } from './survival.js';

export interface ReleaseView {
  snapshot: ReadonlyMap<number, TableInfo>;
  snapshotStats: ReadonlyMap<number, TupleStats>;
  tables: ReadonlyMap<number, TableInfo>;
  stats: ReadonlyMap<number, TupleStats>;
  /** Columns (by attnum) of existing tables whose values the release changed. */
  written: ReadonlyMap<number, ReadonlySet<number>>;
}

/** The columns of a table the release put values in: all of a table it created; else those it added or changed. */
export function releaseColumns(t: TableInfo, v: ReleaseView): ColumnInfo[] {
  const before = v.snapshot.get(t.oid);
  if (!before) return [...t.columns.values()];
  const written = v.written.get(t.oid) ?? new Set();
  return [...t.columns.values()].filter((c) => !before.columns.has(c.attnum) || written.has(c.attnum));
}

/** The places, other than the column itself, where values of `cur` (a snapshot table as it is now) may have gone. */
export function placesFor(cur: TableInfo, v: ReleaseView): Place[] {
  const places: Place[] = [];
  const row = releaseColumns(cur, v);
  if (row.length && v.snapshot.has(cur.oid)) places.push({ kind: 'row', columns: row });
  for (const fk of cur.fks) {
    const other = v.tables.get(fk.refTable);
    const via = cur.columns.get(fk.column);
    const key = other?.columns.get(fk.refColumn);
    if (!other || other.oid === cur.oid || !via || !key) continue;
    const columns = releaseColumns(other, v);
    if (columns.length) places.push({ kind: 'references', table: other, via, key, columns });
  }
  const pk = cur.pk.length === 1 ? cur.pk[0] : undefined;
  for (const other of v.tables.values()) {
    if (other.oid === cur.oid || pk === undefined) continue;
    for (const fk of other.fks.filter((f) => f.refTable === cur.oid && f.refColumn === pk)) {
      const via = other.columns.get(fk.column)!;
      const columns = releaseColumns(other, v).filter((c) => c.attnum !== fk.column);
      if (columns.length) places.push({ kind: 'referenced-by', table: other, via, columns });
    }
  }
  return places;
}

/** Where whole missing rows of `base` (a snapshot table) may live on. */
export function targetsFor(base: TableInfo, v: ReleaseView): Target[] {
  const targets: Target[] = [];
  const pk = base.pk.length === 1 ? base.columns.get(base.pk[0]!) : undefined;
  if (!pk) return targets;
  for (const t of v.tables.values()) {
    if (t.oid === base.oid) continue;
    const created = !v.snapshot.has(t.oid);
    const grew = (v.stats.get(t.oid)?.ins ?? 0) > (v.snapshotStats.get(t.oid)?.ins ?? 0);
    const holdsKey = [...t.columns.values()].some((c) => c.value.family === pk.value.family);
    if ((created || grew) && holdsKey) targets.push({ kind: 'archive', table: t });
  }
  for (const fk of base.fks) {
    const parent = v.tables.get(fk.refTable);
    const key = parent?.columns.get(fk.refColumn);
    if (!parent || !key || parent.oid === base.oid) continue;
    const columns = releaseColumns(parent, v).filter((c) => c.attnum !== key.attnum);
    if (columns.length) targets.push({ kind: 'linked', table: parent, via: fk.column, key, columns });
  }
  return targets;
}
