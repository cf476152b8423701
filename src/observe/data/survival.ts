// The comparisons of the data watch: the snapshot's hashes (./before-store.ts)
// against the work database, joined by primary key. Each returns counts only.
//   inPlace   how many of a column's values are unchanged where they stood, and NULLs filled
//             (inPlaceSince: the same, hashing only the rows written since the snapshot)
//   survival  how many survive somewhere the release put them: in place, in a
//             column of the same row it added or wrote, or in a row linked by a
//             foreign key (either direction) in a table it created or wrote
//   moves     how many missing rows live on whole in one row of an archive
//             (their primary key kept) or of a linked table
//   changes   rows inserted, updated and deleted (what a failed step left behind)
import type pg from 'pg';
import { ident, qualified } from '../../db.js';
import type { ColumnInfo, TableInfo } from '../catalog.js';
import { rowKey, storedHash, type BeforeStore, type Stored } from './before-store.js';
import { canonical, columnHash, sharedDomain, type Domain } from './values.js';

export interface InPlace {
  /** Non-null snapshot values in rows still present. */
  present: number;
  /** Of those, equal (as values) to what the column holds now. */
  unchanged: number;
  /** Snapshot NULLs that hold a value now. */
  filled: number;
}

/** A place of the release's where values may have gone. */
export type Place =
  /** Columns of the same row. */
  | { kind: 'row'; columns: ColumnInfo[] }
  /** A table whose column `via` references the row: its rows pointing at it. */
  | { kind: 'referenced-by'; table: TableInfo; via: ColumnInfo; columns: ColumnInfo[] }
  /** A table the row's column `via` references: the row it points at. */
  | { kind: 'references'; table: TableInfo; via: ColumnInfo; key: ColumnInfo; columns: ColumnInfo[] };

/** Where missing rows may live on whole. */
export type Target =
  | { kind: 'archive'; table: TableInfo }
  /** The table the row referenced by its snapshot foreign key `via` (an attnum of the snapshot table). */
  | { kind: 'linked'; table: TableInfo; via: number; key: ColumnInfo; columns: ColumnInfo[] };

const count = (r: pg.QueryResult, k: string) => Number((r.rows[0] as Record<string, string>)[k]);

/**
 * Per snapshot column (matched by attnum, or by name after a rollback): its
 * values unchanged where they stood, and NULLs filled. `as` names columns to
 * compare in another domain than their types imply (text that the release
 * turned into JSON and back is compared as JSON).
 */
export async function inPlace(
  client: pg.Client, store: BeforeStore, base: TableInfo, cur: TableInfo, stored: Stored, attnums: number[],
  byName = false, as: ReadonlyMap<number, Domain> = new Map(),
): Promise<Map<number, InPlace>> {
  return (await compareInPlace(client, store, base, cur, stored, attnums, byName, as))?.counts ?? new Map();
}

/**
 * inPlace at the cost of the rows written since the snapshot. The work database
 * is a copy of the template's files, so a tuple whose xmin is older than
 * `newerThan` (the first free transaction id at the baseline) is the
 * snapshot's own tuple, values and all, as long as the table kept its file
 * (the caller checks) and the columns are the snapshot's own attributes. A
 * rewrite (ALTER TYPE, VACUUM FULL, CLUSTER) makes a new file; freezing keeps
 * the raw xmin (PostgreSQL 9.4 and later). Only newer
 * tuples are hashed and joined. Undefined when a snapshot row is missing
 * (deleted, or its key changed): the full comparison, after `moves`, is then
 * the one that counts right.
 */
export async function inPlaceSince(
  client: pg.Client, store: BeforeStore, base: TableInfo, cur: TableInfo, stored: Stored, attnums: number[],
  newerThan: number, byName = false, as: ReadonlyMap<number, Domain> = new Map(),
): Promise<Map<number, InPlace> | undefined> {
  // An old tuple holds the snapshot's value only in the snapshot's own attribute: a
  // column dropped and added again by name (a reversed RemoveField) reads NULL or
  // its default there.
  const other = attnums.some((a) => {
    const c = column(base, cur, a, byName);
    return c && (c.attnum !== a || c.type !== base.columns.get(a)!.type);
  });
  // Text compared as JSON (`as`) needs hashes in a second domain: the full comparison has them.
  if (other || as.size) return undefined;
  const written = `a.xmin::text::int8 >= ${newerThan}`;
  const r = await compareInPlace(client, store, base, cur, stored, attnums, byName, as, written);
  if (!r) return undefined;
  const old = await client.query(`SELECT count(*) AS n FROM ${qualified(cur)} a WHERE NOT (${written})`);
  if (r.joined + count(old, 'n') !== (await store.rows(base))) return undefined;
  const gone = new Set(attnums.filter((a) => !column(base, cur, a, byName)));
  return new Map(attnums.map((a) => {
    const w = r.counts.get(a)!;
    const present = stored.nonNull.get(a) ?? 0;
    return [a, { present, unchanged: gone.has(a) ? 0 : present - (w.present - w.unchanged), filled: w.filled }];
  }));
}

/** Snapshot column `a` as it is in `cur`: by attnum, or by name (after a rollback). */
export function column(base: TableInfo, cur: TableInfo, a: number, byName: boolean): ColumnInfo | undefined {
  return byName ? [...cur.columns.values()].find((c) => c.name === base.columns.get(a)!.name) : cur.columns.get(a);
}

/** The counts of inPlace over the joined rows (those of `cur` matching `where`, if given), and how many rows joined. */
async function compareInPlace(
  client: pg.Client, store: BeforeStore, base: TableInfo, cur: TableInfo, stored: Stored, attnums: number[],
  byName: boolean, as: ReadonlyMap<number, Domain>, where?: string,
): Promise<{ counts: Map<number, InPlace>; joined: number } | undefined> {
  const key = rowKey(base, cur, 'a', byName);
  if (!key || !attnums.length) return undefined;
  const now = (a: number) => column(base, cur, a, byName);
  const domain = (a: number) => as.get(a) ?? sharedDomain(base.columns.get(a)!.value, now(a)!.value);
  await store.ensure(base, stored, attnums.filter((a) => now(a)).map((a) => [a, domain(a)]));
  const selects = attnums.flatMap((a) => {
    const c = now(a);
    const h = `b.h${a}`;
    return [
      `count(*) FILTER (WHERE ${h} IS NOT NULL) AS n${a}`,
      c ? `count(*) FILTER (WHERE ${h} IS NOT NULL AND ${storedHash(base, a, domain(a))} = ${columnHash(domain(a), 'a', c)}) AS u${a}` : `0 AS u${a}`,
      c ? `count(*) FILTER (WHERE ${h} IS NULL AND a.${ident(c.name)} IS NOT NULL) AS f${a}` : `0 AS f${a}`,
    ];
  });
  const r = await client.query(`SELECT count(*) AS joined, ${selects.join(', ')} FROM pg_temp.${stored.temp} b JOIN ${qualified(cur)} a ON ${key} = b.k` +
    (where ? ` WHERE ${where}` : ''));
  return {
    joined: count(r, 'joined'),
    counts: new Map(attnums.map((a) => [a, { present: count(r, `n${a}`), unchanged: count(r, `u${a}`), filled: count(r, `f${a}`) }])),
  };
}

/** Per snapshot column: how many of its non-null values (in rows still present) survive in place or in one of the places. */
export async function survival(client: pg.Client, store: BeforeStore, base: TableInfo, cur: TableInfo, stored: Stored, attnums: number[], places: Place[], byName = false): Promise<Map<number, number>> {
  const key = rowKey(base, cur, 'a', byName);
  if (!key || !attnums.length) return new Map();
  const domainOf = (a: number, col: ColumnInfo) => sharedDomain(base.columns.get(a)!.value, col.value);
  /** The domains a candidate column is compared in, for these snapshot columns. */
  const domainsFor = (col: ColumnInfo) => [...new Set(attnums.map((a) => domainOf(a, col)))];
  const joins: string[] = [];
  const candidates: Array<{ col: ColumnInfo; sql: (d: Domain) => string; many: boolean }> = [];
  places.forEach((p, i) => {
    const alias = `l${i}`;
    if (p.kind === 'row') for (const col of p.columns) candidates.push({ col, sql: (d) => columnHash(d, 'a', col), many: false });
    if (p.kind === 'references') {
      joins.push(`LEFT JOIN ${qualified(p.table)} ${alias} ON ${alias}.${ident(p.key.name)} = a.${ident(p.via.name)}`);
      for (const col of p.columns) candidates.push({ col, sql: (d) => columnHash(d, alias, col), many: false });
    }
    if (p.kind === 'referenced-by') {
      const aggs = p.columns.flatMap((col, j) => domainsFor(col).map((d) => `array_agg(${columnHash(d, 'x', col)}) AS c${j}_${d}`));
      joins.push(`LEFT JOIN (SELECT x.${ident(p.via.name)} AS ref, ${aggs.join(', ')} FROM ${qualified(p.table)} x GROUP BY 1) ${alias} ` +
        `ON ${alias}.ref::text = (${key})`);
      p.columns.forEach((col, j) => candidates.push({ col, sql: (d) => `${alias}.c${j}_${d}`, many: true }));
    }
  });
  const current = (a: number) => (byName ? [...cur.columns.values()].find((c) => c.name === base.columns.get(a)!.name) : cur.columns.get(a));
  const wanted: Array<[number, Domain]> = attnums.flatMap((a) => [
    ...candidates.map((c) => [a, domainOf(a, c.col)] as [number, Domain]),
    ...(current(a) ? [[a, domainOf(a, current(a)!)] as [number, Domain]] : []),
  ]);
  await store.ensure(base, stored, wanted);
  const selects = attnums.map((a) => {
    const here = current(a);
    const terms = [
      ...(here ? [`${storedHash(base, a, domainOf(a, here))} = ${columnHash(domainOf(a, here), 'a', here)}`] : []),
      ...candidates.map((c) => {
        const d = domainOf(a, c.col);
        return c.many ? `${storedHash(base, a, d)} = ANY (${c.sql(d)})` : `${storedHash(base, a, d)} = ${c.sql(d)}`;
      }),
    ];
    const any = terms.length ? terms.map((t) => `coalesce(${t}, false)`).join(' OR ') : 'false';
    return `count(*) FILTER (WHERE b.h${a} IS NOT NULL AND (${any})) AS s${a}`;
  });
  const r = await client.query(`SELECT ${selects.join(', ')} FROM pg_temp.${stored.temp} b JOIN ${qualified(cur)} a ON ${key} = b.k ${joins.join(' ')}`);
  return new Map(attnums.map((a) => [a, count(r, `s${a}`)]));
}

/**
 * Rows of the snapshot no longer in the table (all of them when it is gone),
 * and how many of them live on whole in a target: the missing row's values, all
 * of them, in one row of an archive that kept its primary key, or, without its
 * surrogate key, in the row it referenced.
 */
export async function moves(client: pg.Client, base: TableInfo, cur: TableInfo | undefined, stored: Stored, targets: Target[]): Promise<{ missing: number; moved: number; to: Map<number, number> }> {
  const key = cur && rowKey(base, cur, 'a');
  const gone = cur && key ? `WHERE NOT EXISTS (SELECT 1 FROM ${qualified(cur)} a WHERE ${key} = b.k)` : '';
  const all = [...base.columns.keys()];
  const values = (skip: number[]) => `array_remove(ARRAY[${all.filter((a) => !skip.includes(a)).map((a) => `b.h${a}`).join(', ')}]::int8[], NULL)`;
  const ctes: string[] = [];
  const tests = targets.map((t, i) => {
    const alias = `t${i}`;
    if (t.kind === 'archive') {
      const cols = [...t.table.columns.values()];
      const hs = `ARRAY[${cols.map((c) => columnHash(canonical(c.value), 'a', c)).join(', ')}]`;
      ctes.push(`${alias} AS (SELECT x.h, ${hs} AS hs FROM ${qualified(t.table)} a, LATERAL unnest(${hs}) AS x(h) WHERE x.h IS NOT NULL)`);
      return `EXISTS (SELECT 1 FROM ${alias} WHERE ${alias}.h = b.h${base.pk[0]} AND ${values([])} <@ ${alias}.hs)`;
    }
    const cols = [t.key, ...t.columns];
    ctes.push(`${alias} AS (SELECT ${columnHash(canonical(t.key.value), 'a', t.key)} AS h, ` +
      `ARRAY[${cols.map((c) => columnHash(canonical(c.value), 'a', c)).join(', ')}] AS hs FROM ${qualified(t.table)} a)`);
    return `EXISTS (SELECT 1 FROM ${alias} WHERE ${alias}.h = b.h${t.via} AND ${values(base.pk)} <@ ${alias}.hs)`;
  });
  const inner = `SELECT ${tests.length ? tests.map((t, i) => `${t} AS m${i}`).join(', ') : 'true AS none'} FROM pg_temp.${stored.temp} b ${gone}`;
  const counts = [`count(*) AS missing`, ...tests.map((_, i) => `count(*) FILTER (WHERE m${i}) AS m${i}`),
    `count(*) FILTER (WHERE ${tests.length ? tests.map((_, i) => `m${i}`).join(' OR ') : 'false'}) AS moved`];
  const r = await client.query(`${ctes.length ? `WITH ${ctes.join(', ')} ` : ''}SELECT ${counts.join(', ')} FROM (${inner}) x`);
  return { missing: count(r, 'missing'), moved: count(r, 'moved'), to: new Map(targets.map((t, i) => [t.table.oid, count(r, `m${i}`)])) };
}

/** Rows inserted, updated (any value differs) and deleted, compared with the snapshot. */
export async function changes(client: pg.Client, store: BeforeStore, base: TableInfo, cur: TableInfo, stored: Stored): Promise<{ inserted: number; updated: number; deleted: number }> {
  const key = rowKey(base, cur, 'a');
  if (!key) return { inserted: 0, updated: 0, deleted: 0 };
  const same = [...base.columns.keys()].filter((a) => cur.columns.has(a));
  const domain = (a: number) => sharedDomain(base.columns.get(a)!.value, cur.columns.get(a)!.value);
  await store.ensure(base, stored, same.map((a) => [a, domain(a)]));
  const differs = same.map((a) => `${storedHash(base, a, domain(a))} IS DISTINCT FROM ${columnHash(domain(a), 'a', cur.columns.get(a)!)}`);
  const r = await client.query(`SELECT
    (SELECT count(*) FROM ${qualified(cur)} a WHERE NOT EXISTS (SELECT 1 FROM pg_temp.${stored.temp} b WHERE b.k = ${key})) AS inserted,
    (SELECT count(*) FROM pg_temp.${stored.temp} b JOIN ${qualified(cur)} a ON ${key} = b.k WHERE ${differs.join(' OR ') || 'false'}) AS updated,
    (SELECT count(*) FROM pg_temp.${stored.temp} b WHERE NOT EXISTS (SELECT 1 FROM ${qualified(cur)} a WHERE ${key} = b.k)) AS deleted`);
  return { inserted: count(r, 'inserted'), updated: count(r, 'updated'), deleted: count(r, 'deleted') };
}
