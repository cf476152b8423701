// Watches the data itself, exactly, at the cost of what the migrations touch.
//
// - The template database is the memory of "before". Nothing is hashed up front:
//   a table's before-state is read from the template the first time a step
//   touches that table.
// - After each step, a table is proven untouched when its relfilenode, its
//   columns and its pg_stat_user_tables tuple counters are all unchanged. Django's
//   connection is closed after every step and the backend flushes its counters
//   before it leaves pg_stat_activity, so waiting for it to leave makes the
//   counters exact, not eventually consistent.
// - Touched tables get exact counts (in parallel over a small pool) and, where
//   values may have changed, a per-row comparison against the template: every
//   before-value (as a 64-bit hash of its text form) is looked for in any column
//   of the same row (joined by primary key), so a value copied to a new column
//   and then dropped from the old one is not lost.
//
// Only counts leave this module: never a value.
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { ConnInfo } from '../sandbox/provider.js';
import { pgConfig } from '../db.js';
import { qualified, quoteIdent, readStats, readTables, type TableInfo, type TupleStats } from './catalog.js';

export const DJANGO_APP_NAME = 'rehearse-django';

export type LossKind = 'rows' | 'table' | 'column';

export interface Loss {
  kind: LossKind;
  /** Plan index of the step that caused it (forward), or the attributed migration (rollback). */
  step: number | undefined;
  /** Names as they stood in the snapshot. */
  table: string;
  column?: string;
  before: number;
  after: number;
  lost: number;
}

export interface TableRows {
  table: string;
  rowsBefore: number | null;
  rowsAfterForward: number | null;
  rowsAfterBackward: number | null;
}

export interface DataFacts {
  forward: Loss[];
  rollback: Loss[];
  tables: TableRows[];
}

const h = (expr: string) => `hashtextextended((${expr})::text, 0)`;

export class DataWatch {
  private readonly pool: pg.Pool;
  private readonly templatePool: pg.Pool;
  private baseline!: Map<number, TableInfo>;
  private lastTables!: Map<number, TableInfo>;
  private lastStats!: Map<number, TupleStats>;
  private baseStats!: Map<number, TupleStats>;
  private readonly templateCounts = new Map<number, Promise<number>>();
  private readonly counts = new Map<number, number>();
  private readonly before = new Map<number, Promise<BeforeTable | undefined>>();
  private readonly columnLost = new Map<string, number>();
  private readonly dropped = new Set<number>();
  private readonly forwardTouch = new Map<number, number>();
  /** Every forward step that touched a table (a partial rollback must leave some out). */
  private readonly forwardSteps = new Map<number, Set<number>>();
  private readonly backwardTouch = new Map<number, number>();
  private readonly forwardLosses: Loss[] = [];
  /** The step that first lost a table's rows ("oid") or a column's values ("oid.attnum"). */
  private readonly lossStep = new Map<string, number>();
  private readonly rollbackLosses: Loss[] = [];
  private readonly rows = new Map<number, TableRows>();

  constructor(
    private readonly work: pg.Client,
    workConn: ConnInfo,
    templateConn: ConnInfo,
  ) {
    // Exact counts run in parallel over small pools; the template is only ever read.
    this.pool = new pg.Pool({ ...pgConfig(workConn, 'rehearse-observer'), max: 4 });
    this.pool.on('error', () => {});
    this.templatePool = new pg.Pool({ ...pgConfig(templateConn, 'rehearse-observer'), max: 4 });
    this.templatePool.on('error', () => {});
  }

  async start(): Promise<void> {
    await this.work.query('SET stats_fetch_consistency = none');
    this.baseline = await readTables(this.work);
    this.lastTables = this.baseline;
    this.baseStats = await readStats(this.work);
    this.lastStats = this.baseStats;
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
    await this.templatePool.end().catch(() => {});
  }

  /** Wait until Django's backend has left: its tuple counters are flushed by then. */
  private async settle(): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      // Only this database: other rehearsals may share the server (--sandbox server).
      const r = await this.work.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
        [DJANGO_APP_NAME]);
      if (r.rows[0]!.n === 0 || Date.now() > deadline) return;
      await new Promise((res) => setTimeout(res, 20));
    }
  }

  private templateCount(t: TableInfo): Promise<number> {
    let p = this.templateCounts.get(t.oid);
    if (!p) {
      p = this.templatePool
        .query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(t)}`)
        .then((r) => Number(r.rows[0]!.n));
      this.templateCounts.set(t.oid, p);
    }
    return p;
  }

  private async countNow(t: { schema: string; name: string }): Promise<number> {
    const r = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(t)}`);
    return Number(r.rows[0]!.n);
  }

  /** Rows in the table just before the current step. */
  private async rowsBeforeStep(t: TableInfo): Promise<number> {
    return this.counts.get(t.oid) ?? (await this.templateCount(t));
  }

  /** Which baseline tables a step touched, by comparing catalogs and counters with the previous step. */
  private async diffSince(prevTables: Map<number, TableInfo>, prevStats: Map<number, TupleStats>) {
    await this.settle();
    const tables = await readTables(this.work);
    const stats = await readStats(this.work);
    const touched: Array<{ base: TableInfo; cur: TableInfo | undefined; rewritten: boolean; d: TupleStats; colsChanged: boolean }> = [];
    for (const base of this.baseline.values()) {
      if (this.dropped.has(base.oid)) continue;
      const prev = prevTables.get(base.oid);
      const cur = tables.get(base.oid);
      if (!prev) continue;
      const p = prevStats.get(base.oid) ?? { ins: 0, upd: 0, del: 0 };
      const n = stats.get(base.oid) ?? p;
      const d = { ins: n.ins - p.ins, upd: n.upd - p.upd, del: n.del - p.del };
      const rewritten = !!cur && cur.filenode !== prev.filenode;
      const colsChanged = !!cur && columnsKey(cur) !== columnsKey(prev);
      if (cur && !rewritten && !colsChanged && d.ins === 0 && d.upd === 0 && d.del === 0) continue;
      touched.push({ base, cur, rewritten, d, colsChanged });
    }
    return { tables, stats, touched };
  }

  private lose(loss: Loss, key: string): void {
    this.forwardLosses.push(loss);
    if (!this.lossStep.has(key)) this.lossStep.set(key, loss.step!);
  }

  /** After forward step `step`: exact row, table and column losses it caused. */
  async afterForwardStep(step: number): Promise<void> {
    const { tables, stats, touched } = await this.diffSince(this.lastTables, this.lastStats);
    // Exact counts in parallel; the per-row comparisons share the observer's session
    // (its temp tables), so they run one after another.
    const counted = await Promise.all(
      touched.map(async (t) => ({ ...t, beforeRows: await this.rowsBeforeStep(t.base), now: t.cur ? await this.countNow(t.cur) : 0 })),
    );
    for (const { base, cur, rewritten, d, colsChanged, beforeRows, now } of counted) {
      this.forwardTouch.set(base.oid, step);
      this.forwardSteps.set(base.oid, (this.forwardSteps.get(base.oid) ?? new Set()).add(step));
      this.counts.set(base.oid, now);
      if (!cur) {
        this.dropped.add(base.oid);
        if (beforeRows > 0) {
          this.lose({ kind: 'table', step, table: base.name, before: beforeRows, after: 0, lost: beforeRows }, `${base.oid}`);
        }
        continue;
      }
      if (now < beforeRows) {
        this.lose({ kind: 'rows', step, table: base.name, before: beforeRows, after: now, lost: beforeRows - now }, `${base.oid}`);
      }
      if (rewritten || colsChanged || d.upd > 0) await this.columnSurvival(step, base, cur);
    }
    this.lastTables = tables;
    this.lastStats = stats;
  }

  /**
   * Values of each snapshot column, in rows still present, that survive in no
   * column of the same row. Cumulative over the run; the increase is this step's.
   */
  private async columnSurvival(step: number, base: TableInfo, cur: TableInfo): Promise<void> {
    const before = await this.beforeTable(base);
    if (!before) return this.columnsDroppedWithoutKey(step, base, cur);
    const key = keyExpr(base, cur, 'a');
    if (!key) return;
    const all = [...cur.columns.values()].map((c) => h(`a.${quoteIdent(c.name)}`));
    const cols = [...base.columns.values()];
    const selects = cols.flatMap((c) => [
      `count(*) FILTER (WHERE b.h${c.attnum} IS NOT NULL) AS n${c.attnum}`,
      `count(*) FILTER (WHERE b.h${c.attnum} IS NOT NULL AND b.h${c.attnum} = ANY (ARRAY[${all.join(', ')}])) AS s${c.attnum}`,
    ]);
    const r = await this.work.query(
      `SELECT ${selects.join(', ')} FROM pg_temp.${before.temp} b JOIN ${qualified(cur)} a ON ${key} = b.k`);
    const row = r.rows[0] as Record<string, string>;
    for (const c of cols) {
      const present = Number(row[`n${c.attnum}`]);
      const lostNow = present - Number(row[`s${c.attnum}`]);
      const k = `${base.oid}.${c.attnum}`;
      const already = this.columnLost.get(k) ?? 0;
      if (lostNow > already) {
        this.columnLost.set(k, lostNow);
        this.lose({
          kind: 'column', step, table: base.name, column: c.name,
          before: before.nonNull.get(c.attnum) ?? present, after: present - lostNow, lost: lostNow - already,
        }, k);
      }
    }
  }

  /** A table without a primary key: rows cannot be matched, so a dropped column loses all its values. */
  private async columnsDroppedWithoutKey(step: number, base: TableInfo, cur: TableInfo): Promise<void> {
    for (const c of base.columns.values()) {
      const k = `${base.oid}.${c.attnum}`;
      if (cur.columns.has(c.attnum) || this.columnLost.has(k)) continue;
      const n = Number((await this.templatePool.query<{ n: string }>(
        `SELECT count(${quoteIdent(c.name)}) AS n FROM ${qualified(base)}`)).rows[0]!.n);
      this.columnLost.set(k, n);
      if (n > 0) this.lose({ kind: 'column', step, table: base.name, column: c.name, before: n, after: 0, lost: n }, k);
    }
  }

  /** Load the template's per-row value hashes of a table into a temp table (once). */
  private beforeTable(base: TableInfo): Promise<BeforeTable | undefined> {
    let p = this.before.get(base.oid);
    if (!p) {
      p = this.loadBefore(base);
      this.before.set(base.oid, p);
    }
    return p;
  }

  private async loadBefore(base: TableInfo): Promise<BeforeTable | undefined> {
    const key = keyExpr(base, base, 't');
    if (!key) return undefined;
    const temp = `rehearse_before_${base.oid}`;
    const cols = [...base.columns.values()];
    await this.work.query(
      `CREATE TEMP TABLE ${temp} (k text PRIMARY KEY, ${cols.map((c) => `h${c.attnum} int8`).join(', ')})`);
    const tc = await this.templatePool.connect();
    try {
      const source = tc.query(copyTo(
        `COPY (SELECT ${key}, ${cols.map((c) => h(`t.${quoteIdent(c.name)}`)).join(', ')} FROM ${qualified(base)} t) TO STDOUT`));
      const sink = this.work.query(copyFrom(`COPY pg_temp.${temp} FROM STDIN`));
      await pipeline(source, sink);
    } finally {
      tc.release();
    }
    await this.work.query(`ANALYZE pg_temp.${temp}`);
    const r = await this.work.query(`SELECT ${cols.map((c) => `count(h${c.attnum}) AS n${c.attnum}`).join(', ')} FROM pg_temp.${temp}`);
    const row = r.rows[0] as Record<string, string>;
    return { temp, nonNull: new Map(cols.map((c) => [c.attnum, Number(row[`n${c.attnum}`])])) };
  }

  /** Backward step: only which tables its reverse touched (for attribution). */
  async afterBackwardStep(step: number): Promise<void> {
    const { tables, stats, touched } = await this.diffSince(this.lastTables, this.lastStats);
    for (const t of touched) if (!this.backwardTouch.has(t.base.oid)) this.backwardTouch.set(t.base.oid, step);
    this.lastTables = tables;
    this.lastStats = stats;
  }

  /** The forward run is over: remember each touched table's rows after it. */
  afterForward(): void {
    for (const oid of this.forwardTouch.keys()) this.entry(oid).rowsAfterForward = this.counts.get(oid) ?? null;
  }

  private entry(oid: number): TableRows {
    let e = this.rows.get(oid);
    if (!e) {
      const base = this.baseline.get(oid)!;
      e = { table: base.name, rowsBefore: null, rowsAfterForward: null, rowsAfterBackward: null };
      this.rows.set(oid, e);
    }
    return e;
  }

  /**
   * After the backward run, compare with the snapshot the data of every table the
   * run touched. Missing rows and changed or emptied values are losses; extra rows
   * (stale content types) are not. If the run stopped early (an irreversible
   * migration), steps up to `stillApplied` are still in place: only tables that
   * none of them touched can be expected back as they were, so only those are compared.
   */
  async afterBackward(stillApplied = -1): Promise<void> {
    await this.settle();
    const tables = await readTables(this.work);
    const stats = await readStats(this.work);
    const byName = new Map([...tables.values()].map((t) => [`${t.schema}.${t.name}`, t]));
    const todo: Array<{ base: TableInfo; cur: TableInfo | undefined }> = [];
    for (const base of this.baseline.values()) {
      const cur = tables.get(base.oid) ?? byName.get(`${base.schema}.${base.name}`);
      const s0 = this.baseStats.get(base.oid);
      const s1 = stats.get(base.oid);
      const touched = this.forwardTouch.has(base.oid) || this.backwardTouch.has(base.oid) || !cur ||
        cur.oid !== base.oid || cur.filenode !== base.filenode || columnsKey(cur) !== columnsKey(base) ||
        (s0 && s1 && (s0.ins !== s1.ins || s0.upd !== s1.upd || s0.del !== s1.del));
      const kept = [...(this.forwardSteps.get(base.oid) ?? [])].some((step) => step <= stillApplied);
      if (touched && !kept) todo.push({ base, cur });
    }
    const counted = await Promise.all(
      todo.map(async (t) => ({ ...t, beforeRows: await this.templateCount(t.base), afterRows: t.cur ? await this.countNow(t.cur) : 0 })),
    );
    for (const t of counted) await this.compareRolledBack(t.base, t.cur, t.beforeRows, t.afterRows);
  }

  private async compareRolledBack(base: TableInfo, cur: TableInfo | undefined, beforeRows: number, afterRows: number): Promise<void> {
    // Attributed to the step that lost the data on the way forward, else the last that touched the table.
    const touchStep = this.forwardTouch.get(base.oid) ?? this.backwardTouch.get(base.oid);
    const step = this.lossStep.get(`${base.oid}`) ?? touchStep;
    const e = this.entry(base.oid);
    e.rowsAfterBackward = afterRows;
    if (e.rowsAfterForward === null) e.rowsAfterForward = this.counts.get(base.oid) ?? beforeRows;
    if (!cur) {
      if (beforeRows > 0) this.rollbackLosses.push({ kind: 'table', step, table: base.name, before: beforeRows, after: 0, lost: beforeRows });
      return;
    }
    if (afterRows < beforeRows) {
      this.rollbackLosses.push({ kind: 'rows', step, table: base.name, before: beforeRows, after: afterRows, lost: beforeRows - afterRows });
    }
    const before = await this.beforeTable(base);
    const key = before && keyExprByName(base, cur, 'a');
    if (!before || !key) return;
    const curByName = new Map([...cur.columns.values()].map((c) => [c.name, c]));
    const cols = [...base.columns.values()];
    const selects = cols.flatMap((c) => {
      const now = curByName.get(c.name);
      const n = `count(*) FILTER (WHERE b.h${c.attnum} IS NOT NULL) AS n${c.attnum}`;
      const changed = now
        ? `count(*) FILTER (WHERE b.h${c.attnum} IS DISTINCT FROM ${h(`a.${quoteIdent(now.name)}`)}) AS c${c.attnum}`
        : `count(*) FILTER (WHERE b.h${c.attnum} IS NOT NULL) AS c${c.attnum}`;
      return [n, changed];
    });
    const r = await this.work.query(
      `SELECT ${selects.join(', ')} FROM pg_temp.${before.temp} b JOIN ${qualified(cur)} a ON ${key} = b.k`);
    const row = r.rows[0] as Record<string, string>;
    for (const c of cols) {
      const changed = Number(row[`c${c.attnum}`]);
      if (changed > 0) {
        this.rollbackLosses.push({
          kind: 'column', step: this.lossStep.get(`${base.oid}.${c.attnum}`) ?? touchStep, table: base.name, column: c.name,
          before: before.nonNull.get(c.attnum) ?? 0, after: Number(row[`n${c.attnum}`]) - changed, lost: changed,
        });
      }
    }
  }

  async finish(): Promise<DataFacts> {
    for (const [oid, e] of this.rows) {
      const base = this.baseline.get(oid)!;
      e.rowsBefore = await this.templateCount(base);
      if (e.rowsAfterForward === null) e.rowsAfterForward = this.counts.get(oid) ?? null;
    }
    const tables = [...this.rows.values()].sort((a, b) => a.table.localeCompare(b.table));
    return { forward: this.forwardLosses, rollback: this.rollbackLosses, tables };
  }
}

interface BeforeTable {
  temp: string;
  nonNull: Map<number, number>;
}

function columnsKey(t: TableInfo): string {
  return [...t.columns.values()].map((c) => `${c.attnum}:${c.type}`).sort().join(',');
}

/** The row key as text, by the snapshot's primary key attnums, in the table as it is now. */
function keyExpr(base: TableInfo, cur: TableInfo, alias: string): string | undefined {
  if (base.pk.length === 0) return undefined;
  const names = base.pk.map((n) => cur.columns.get(n)?.name);
  if (names.some((n) => n === undefined)) return undefined;
  return rowText(names as string[], alias);
}

/** After a rollback the table may be a new one (DeleteModel reversed): match the key by name. */
function keyExprByName(base: TableInfo, cur: TableInfo, alias: string): string | undefined {
  if (base.pk.length === 0) return undefined;
  const names = base.pk.map((n) => base.columns.get(n)!.name);
  const have = new Set([...cur.columns.values()].map((c) => c.name));
  if (names.some((n) => !have.has(n))) return undefined;
  return rowText(names, alias);
}

function rowText(names: string[], alias: string): string {
  const cols = names.map((n) => `${alias}.${quoteIdent(n)}`);
  return cols.length === 1 ? `(${cols[0]})::text` : `ROW(${cols.join(', ')})::text`;
}
