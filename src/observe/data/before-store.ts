// The memory of "before": the template database, never migrated. Nothing is
// hashed up front: a table's snapshot row count, and its per-row value hashes,
// are read from the template the first time a step touches that table. The
// hashes are copied into a temp table of the observer's session, where the
// comparisons with the work database join them by primary key.
//
// Values are compared as 64-bit hashes of their text form; only counts leave here.
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { ident, pgConfig, qualified } from '../../db.js';
import type { ConnInfo } from '../../sandbox/provider.js';
import type { TableInfo } from '../catalog.js';

export interface BeforeTable {
  /** The temp table holding (k, h<attnum>...) for every snapshot row. */
  temp: string;
  /** Non-null values per column (by attnum) in the snapshot. */
  nonNull: Map<number, number>;
}

const h = (expr: string) => `hashtextextended((${expr})::text, 0)`;

export class BeforeStore {
  private readonly templatePool: pg.Pool;
  private readonly counts = new Map<number, Promise<number>>();
  private readonly hashed = new Map<number, Promise<BeforeTable | undefined>>();

  constructor(
    /** The observer's own session: the temp tables live there. */
    private readonly work: pg.Client,
    template: ConnInfo,
  ) {
    // The template is only ever read, by a small pool so counts run in parallel.
    this.templatePool = new pg.Pool({ ...pgConfig(template, 'rehearse-observer'), max: 4 });
    this.templatePool.on('error', () => {});
  }

  async close(): Promise<void> {
    await this.templatePool.end().catch(() => {});
  }

  /** The table's rows in the snapshot (read once). */
  rows(t: TableInfo): Promise<number> {
    let p = this.counts.get(t.oid);
    if (!p) {
      p = this.templatePool.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(t)}`).then((r) => Number(r.rows[0]!.n));
      this.counts.set(t.oid, p);
    }
    return p;
  }

  /** Non-null values of one column in the snapshot. */
  async nonNull(t: TableInfo, column: string): Promise<number> {
    const r = await this.templatePool.query<{ n: string }>(`SELECT count(${ident(column)}) AS n FROM ${qualified(t)}`);
    return Number(r.rows[0]!.n);
  }

  /** The snapshot's per-row value hashes of a table, in a temp table (loaded once); undefined without a primary key. */
  hashes(t: TableInfo): Promise<BeforeTable | undefined> {
    let p = this.hashed.get(t.oid);
    if (!p) {
      p = this.load(t);
      this.hashed.set(t.oid, p);
    }
    return p;
  }

  private async load(base: TableInfo): Promise<BeforeTable | undefined> {
    const key = keyByAttnum(base, base, 't');
    if (!key) return undefined;
    const temp = `rehearse_before_${base.oid}`;
    const cols = [...base.columns.values()];
    await this.work.query(`CREATE TEMP TABLE ${temp} (k text PRIMARY KEY, ${cols.map((c) => `h${c.attnum} int8`).join(', ')})`);
    const tc = await this.templatePool.connect();
    try {
      const source = tc.query(copyTo(
        `COPY (SELECT ${key}, ${cols.map((c) => h(`t.${ident(c.name)}`)).join(', ')} FROM ${qualified(base)} t) TO STDOUT`));
      await pipeline(source, this.work.query(copyFrom(`COPY pg_temp.${temp} FROM STDIN`)));
    } finally {
      tc.release();
    }
    await this.work.query(`ANALYZE pg_temp.${temp}`);
    const r = await this.work.query(`SELECT ${cols.map((c) => `count(h${c.attnum}) AS n${c.attnum}`).join(', ')} FROM pg_temp.${temp}`);
    const row = r.rows[0] as Record<string, string>;
    return { temp, nonNull: new Map(cols.map((c) => [c.attnum, Number(row[`n${c.attnum}`])])) };
  }

  /**
   * Per snapshot column: its non-null values in rows still present, and how many
   * of them survive in no column of the same row (joined by primary key).
   */
  async survival(base: TableInfo, cur: TableInfo, before: BeforeTable): Promise<Map<number, { present: number; lost: number }> | undefined> {
    const key = keyByAttnum(base, cur, 'a');
    if (!key) return undefined;
    const all = [...cur.columns.values()].map((c) => h(`a.${ident(c.name)}`));
    const cols = [...base.columns.values()];
    const selects = cols.flatMap((c) => [
      `count(*) FILTER (WHERE b.h${c.attnum} IS NOT NULL) AS n${c.attnum}`,
      `count(*) FILTER (WHERE b.h${c.attnum} IS NOT NULL AND b.h${c.attnum} = ANY (ARRAY[${all.join(', ')}])) AS s${c.attnum}`,
    ]);
    const r = await this.work.query(`SELECT ${selects.join(', ')} FROM pg_temp.${before.temp} b JOIN ${qualified(cur)} a ON ${key} = b.k`);
    const row = r.rows[0] as Record<string, string>;
    return new Map(cols.map((c) => {
      const present = Number(row[`n${c.attnum}`]);
      return [c.attnum, { present, lost: present - Number(row[`s${c.attnum}`]) }];
    }));
  }

  /**
   * After a rollback the table may be a new one (DeleteModel reversed): rows and
   * columns are matched by name. Per snapshot column: non-null values in rows
   * still present, and how many of the snapshot's values differ now.
   */
  async rolledBack(base: TableInfo, cur: TableInfo, before: BeforeTable): Promise<Map<number, { present: number; changed: number }> | undefined> {
    const key = keyByName(base, cur, 'a');
    if (!key) return undefined;
    const curByName = new Map([...cur.columns.values()].map((c) => [c.name, c]));
    const cols = [...base.columns.values()];
    const selects = cols.flatMap((c) => {
      const now = curByName.get(c.name);
      const n = `count(*) FILTER (WHERE b.h${c.attnum} IS NOT NULL) AS n${c.attnum}`;
      const changed = now
        ? `count(*) FILTER (WHERE b.h${c.attnum} IS DISTINCT FROM ${h(`a.${ident(now.name)}`)}) AS c${c.attnum}`
        : `count(*) FILTER (WHERE b.h${c.attnum} IS NOT NULL) AS c${c.attnum}`;
      return [n, changed];
    });
    const r = await this.work.query(`SELECT ${selects.join(', ')} FROM pg_temp.${before.temp} b JOIN ${qualified(cur)} a ON ${key} = b.k`);
    const row = r.rows[0] as Record<string, string>;
    return new Map(cols.map((c) => [c.attnum, { present: Number(row[`n${c.attnum}`]), changed: Number(row[`c${c.attnum}`]) }]));
  }
}

/** The row key as text, by the snapshot's primary key attnums, in the table as it is now. */
function keyByAttnum(base: TableInfo, cur: TableInfo, alias: string): string | undefined {
  if (base.pk.length === 0) return undefined;
  const names = base.pk.map((n) => cur.columns.get(n)?.name);
  if (names.some((n) => n === undefined)) return undefined;
  return rowText(names as string[], alias);
}

/** The row key by the snapshot's primary key column names. */
function keyByName(base: TableInfo, cur: TableInfo, alias: string): string | undefined {
  if (base.pk.length === 0) return undefined;
  const names = base.pk.map((n) => base.columns.get(n)!.name);
  const have = new Set([...cur.columns.values()].map((c) => c.name));
  if (names.some((n) => !have.has(n))) return undefined;
  return rowText(names, alias);
}

function rowText(names: string[], alias: string): string {
  const cols = names.map((n) => `${alias}.${ident(n)}`);
  return cols.length === 1 ? `(${cols[0]})::text` : `ROW(${cols.join(', ')})::text`;
}
