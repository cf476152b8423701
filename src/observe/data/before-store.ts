// The memory of "before": the template database, never migrated. Nothing is
// hashed up front: a table's snapshot row count, and its per-row value hashes,
// are read from the template the first time a step touches that table. The
// hashes (./values.ts) are copied into a temp table of the observer's session,
// where the comparisons with the work database join them by primary key.
// A value's hash in another domain (a text column met by a json one) is added
// to that temp table when a comparison first needs it.
// The temp tables have no index: every comparison joins them whole, by hash
// (they are ANALYZEd), and a primary key cost more than half of their COPY
// (0.27 s of 0.43 s for 200,000 rows). Keys are unique by construction: the
// snapshot's primary key, shipped once.
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { ident, pgConfig, qualified } from '../../db.js';
import type { ConnInfo } from '../../sandbox/provider.js';
import type { TableInfo } from '../catalog.js';
import { canonical, columnHash, JSON_OR_NULL, type Domain } from './values.js';

export interface Stored {
  /** The temp table holding k (the row key as text) and h<attnum>[_<domain>] for every snapshot row. */
  temp: string;
  /** Non-null values per column (by attnum) in the snapshot. */
  nonNull: Map<number, number>;
  /** The domains each column's hashes are stored in. */
  domains: Map<number, Set<Domain>>;
}

/** The SQL of a snapshot column's hash in `domain` (alias b), once stored. */
export function storedHash(base: TableInfo, attnum: number, domain: Domain): string {
  const c = base.columns.get(attnum)!;
  return domain === canonical(c.value) ? `b.h${attnum}` : `b.h${attnum}_${domain}`;
}

export class BeforeStore {
  private readonly templatePool: pg.Pool;
  private readonly counts = new Map<number, Promise<number>>();
  private readonly hashed = new Map<number, Promise<Stored | undefined>>();
  private readonly nonNulls = new Map<number, Promise<Map<number, number>>>();
  /** The hashes of the rows written so far, per table (./survival.ts inPlaceSince). */
  private readonly partial = new Map<number, Stored>();
  private batches = 0;
  /** Keys shipped so far, per table. */
  private readonly shippedRows = new Map<number, number>();

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

  /** The snapshot's per-row value hashes of a table (loaded once); undefined without a primary key. */
  hashes(t: TableInfo): Promise<Stored | undefined> {
    let p = this.hashed.get(t.oid);
    if (!p) {
      p = this.load(t);
      this.hashed.set(t.oid, p);
    }
    return p;
  }

  /**
   * The snapshot's hashes of only the rows the work database wrote since the
   * baseline (xmin newer than `newerThan`): their keys are streamed to a
   * template session, and only those rows are hashed there and streamed back.
   * What inPlaceSince needs, at the cost of the rows written. Kept and grown
   * as the run goes on: a key is shipped once (the rollback's comparison then
   * costs nothing more). Where the full hashes are loaded already, those.
   * `nonNull` is the whole table's. `writtenAtMost`: rows inserted and updated
   * since the baseline, by the tuple counters.
   */
  async written(base: TableInfo, cur: TableInfo, newerThan: number, byName: boolean, writtenAtMost?: number): Promise<Stored | undefined> {
    const full = this.hashed.get(base.oid);
    if (full) return full;
    const workKey = rowKey(base, cur, 'a', byName);
    const key = rowKey(base, base, 't');
    if (!workKey || !key) return undefined;
    // Most of the table may be written, by the counters: the full hashes at once,
    // without shipping the keys first (80 ms for 200,000 rows). The counters count
    // row versions, so a few rows updated many times load them needlessly: a cost
    // in time, never in accuracy.
    if (!this.partial.has(base.oid) && writtenAtMost !== undefined && 2 * writtenAtMost >= (await this.rows(base))) return this.hashes(base);
    const cols = [...base.columns.values()];
    const temp = `rehearse_written_${base.oid}`;
    const shipped = `rehearse_shipped_${base.oid}`;
    let stored = this.partial.get(base.oid);
    if (!stored) {
      await this.createHashes(temp, cols.map((c) => `h${c.attnum}`));
      await this.work.query(`CREATE TEMP TABLE ${shipped} (k text, batch int)`);
      stored = { temp, nonNull: await this.nonNullAll(base), domains: new Map(cols.map((c) => [c.attnum, new Set([canonical(c.value)])])) };
      this.partial.set(base.oid, stored);
    }
    const batch = ++this.batches;
    const added = await this.work.query(`INSERT INTO pg_temp.${shipped} SELECT ${workKey}, ${batch} FROM ${qualified(cur)} a
      WHERE a.xmin::text::int8 >= ${newerThan} AND NOT EXISTS (SELECT 1 FROM pg_temp.${shipped} s WHERE s.k = ${workKey})`);
    if (!added.rowCount) return stored;
    // Most of the table written (a data migration over every row): all its hashes
    // cost no more to hash, and save shipping the keys there and back.
    this.shippedRows.set(base.oid, (this.shippedRows.get(base.oid) ?? 0) + added.rowCount);
    if (2 * this.shippedRows.get(base.oid)! >= (await this.rows(base))) return this.hashes(base);
    const tc = await this.templatePool.connect();
    try {
      await tc.query('CREATE TEMP TABLE IF NOT EXISTS rehearse_written (k text)');
      await tc.query('TRUNCATE pg_temp.rehearse_written');
      await pipeline(
        this.work.query(copyTo(`COPY (SELECT k FROM pg_temp.${shipped} WHERE batch = ${batch}) TO STDOUT`)),
        tc.query(copyFrom('COPY pg_temp.rehearse_written FROM STDIN')),
      );
      await analyzeTemp(tc, 'rehearse_written');
      const hashes = cols.map((c) => columnHash(canonical(c.value), 't', c));
      await pipeline(
        tc.query(copyTo(`COPY (SELECT ${key}, ${hashes.join(', ')} FROM ${qualified(base)} t JOIN pg_temp.rehearse_written w ON w.k = ${key}) TO STDOUT`)),
        this.work.query(copyFrom(`COPY pg_temp.${temp} (k, ${cols.map((c) => `h${c.attnum}`).join(', ')}) FROM STDIN`)),
      );
    } finally {
      tc.release();
    }
    await analyzeTemp(this.work, temp);
    return stored;
  }

  /** Non-null values per column of the whole table in the snapshot (one scan, nothing hashed; read once). */
  private nonNullAll(base: TableInfo): Promise<Map<number, number>> {
    let p = this.nonNulls.get(base.oid);
    if (!p) {
      const cols = [...base.columns.values()];
      p = this.templatePool.query(`SELECT ${cols.map((c) => `count(${ident(c.name)}) AS n${c.attnum}`).join(', ')} FROM ${qualified(base)}`)
        .then((r) => new Map(cols.map((c) => [c.attnum, Number((r.rows[0] as Record<string, string>)[`n${c.attnum}`])])));
      this.nonNulls.set(base.oid, p);
    }
    return p;
  }

  private async load(base: TableInfo): Promise<Stored | undefined> {
    const key = rowKey(base, base, 't');
    if (!key) return undefined;
    const temp = `rehearse_before_${base.oid}`;
    const cols = [...base.columns.values()];
    await this.createHashes(temp, cols.map((c) => `h${c.attnum}`));
    await this.copy(base, temp, cols.map((c) => columnHash(canonical(c.value), 't', c)));
    await analyzeTemp(this.work, temp);
    const r = await this.work.query(`SELECT ${cols.map((c) => `count(h${c.attnum}) AS n${c.attnum}`).join(', ')} FROM pg_temp.${temp}`);
    const row = r.rows[0] as Record<string, string>;
    return {
      temp,
      nonNull: new Map(cols.map((c) => [c.attnum, Number(row[`n${c.attnum}`])])),
      domains: new Map(cols.map((c) => [c.attnum, new Set([canonical(c.value)])])),
    };
  }

  /** COPY (key, hashes...) of every snapshot row from the template into a temp table of the observer's session. */
  private async copy(base: TableInfo, temp: string, hashes: string[]): Promise<void> {
    const tc = await this.templatePool.connect();
    try {
      if (hashes.some((x) => x.includes('pg_temp.rehearse_json'))) await tc.query(JSON_OR_NULL);
      const source = tc.query(copyTo(`COPY (SELECT ${rowKey(base, base, 't')}, ${hashes.join(', ')} FROM ${qualified(base)} t) TO STDOUT`));
      await pipeline(source, this.work.query(copyFrom(`COPY pg_temp.${temp} FROM STDIN`)));
    } finally {
      tc.release();
    }
  }

  /** A temp table of the observer's session: a row key and hash columns. */
  private async createHashes(name: string, columns: string[]): Promise<void> {
    await this.work.query(`CREATE TEMP TABLE ${name} (k text, ${columns.map((n) => `${n} int8`).join(', ')})`);
  }

  /** Make sure each (attnum, domain) asked for is stored, adding what is missing. */
  async ensure(base: TableInfo, stored: Stored, wanted: Iterable<[number, Domain]>): Promise<void> {
    const missing = [...wanted].filter(([a, d]) => !stored.domains.get(a)?.has(d));
    const unique = [...new Map(missing.map(([a, d]) => [`${a}_${d}`, [a, d] as const])).values()];
    if (!unique.length) return;
    const extra = `${stored.temp}_x`;
    const names = unique.map(([a, d]) => `h${a}_${d}`);
    await this.createHashes(extra, names);
    await this.work.query(JSON_OR_NULL);
    await this.copy(base, extra, unique.map(([a, d]) => columnHash(d, 't', base.columns.get(a)!)));
    await this.work.query(`ALTER TABLE pg_temp.${stored.temp} ${names.map((n) => `ADD COLUMN ${n} int8`).join(', ')}`);
    await this.work.query(`UPDATE pg_temp.${stored.temp} b SET ${names.map((n) => `${n} = x.${n}`).join(', ')} FROM pg_temp.${extra} x WHERE x.k = b.k`);
    await this.work.query(`DROP TABLE pg_temp.${extra}`);
    for (const [a, d] of unique) stored.domains.get(a)!.add(d);
  }
}

/**
 * ANALYZE a temp table: the planner needs its rows and its key's distinct values
 * to join it by hash. Ten values a column are enough for that (the key is unique;
 * the hashes are only counted), and cost a quarter of the default hundred: 12 ms
 * against 50 ms for 200,000 rows here.
 */
function analyzeTemp(c: pg.ClientBase, table: string): Promise<unknown> {
  return c.query(`SET default_statistics_target = 10; ANALYZE pg_temp.${table}; RESET default_statistics_target`);
}

/**
 * The row key as text, by the snapshot's primary key: found by attnum in the
 * table as it is now, or by name when `byName` (after a rollback the table may
 * be a new one). Undefined when the table has no primary key, or lost it.
 */
export function rowKey(base: TableInfo, cur: TableInfo, alias: string, byName = false): string | undefined {
  if (base.pk.length === 0) return undefined;
  const names = base.pk.map((n) => (byName ? base.columns.get(n)!.name : cur.columns.get(n)?.name));
  const have = new Set([...cur.columns.values()].map((c) => c.name));
  if (names.some((n) => n === undefined || !have.has(n))) return undefined;
  const cols = (names as string[]).map((n) => `${alias}.${ident(n)}`);
  return cols.length === 1 ? `(${cols[0]})::text` : `ROW(${cols.join(', ')})::text`;
}
