// The data watch: exact row, table and column losses, at the cost of what the
// migrations touch. After each forward step, change detection (./detect.ts)
// names the touched tables; they are counted exactly and, where values may have
// changed, compared with the snapshot's (./before-store.ts); the ledger
// (./ledger.ts) keeps the account. After the backward run, every touched table
// is compared with the snapshot. The pipeline calls it in run order.
import pg from 'pg';
import { pgConfig, qualified } from '../../db.js';
import type { Events } from '../../report/events.js';
import type { ConnInfo } from '../../sandbox/provider.js';
import type { Moment, TableInfo, TupleStats } from '../catalog.js';
import type { Change, ChangeOutcome, Observer, StepSummary } from '../observer.js';
import { BeforeStore } from './before-store.js';
import { differsFromSnapshot, touchedBetween, type Reading, type Touch } from './detect.js';
import { LossLedger, type DataFacts } from './ledger.js';

export class DataWatch implements Observer {
  readonly name = 'data';
  private readonly pool: pg.Pool;
  private readonly store: BeforeStore;
  private readonly ledger = new LossLedger();
  private snapshot!: Map<number, TableInfo>;
  private snapshotStats!: Map<number, TupleStats>;
  private last!: Reading;

  constructor(work: pg.Client, workConn: ConnInfo, templateConn: ConnInfo, private readonly events: Events) {
    // Exact counts run in parallel over a small pool; comparisons use the observer's session (its temp tables).
    this.pool = new pg.Pool({ ...pgConfig(workConn, 'rehearse-observer'), max: 4 });
    this.pool.on('error', () => {});
    this.store = new BeforeStore(work, templateConn);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
    await this.store.close();
  }

  async baseline(at: Moment): Promise<void> {
    this.snapshot = await at.tables();
    this.snapshotStats = await at.stats();
    this.last = { tables: this.snapshot, stats: this.snapshotStats };
  }

  async after(change: Change, _outcome: ChangeOutcome, at: Moment): Promise<void> {
    // Observed even when the step failed: a non-atomic migration can lose data and then raise.
    if (change.phase === 'reforward') return;
    const now = { tables: await at.tables(), stats: await at.stats() };
    const touched = touchedBetween(this.snapshot, this.last, now, this.ledger.dropped);
    this.last = now;
    if (change.phase === 'backward') {
      for (const t of touched) this.ledger.backwardTouched(change.index, t.base.oid);
      return;
    }
    await this.forwardStep(change.index, touched);
  }

  async stepEnded(summary: StepSummary, at: Moment): Promise<void> {
    if (summary.phase === 'forward') this.ledger.forwardDone((oid) => this.snapshot.get(oid)!);
    // Where the rollback stopped early, the data of what it did revert is still compared.
    if (summary.phase === 'backward' && (summary.complete || summary.anyDone)) await this.rolledBack(summary.stoppedAt ?? -1, at);
  }

  /** The account, and each touched table's counts as events. */
  async finish(): Promise<DataFacts> {
    const before = new Map(await Promise.all(this.ledger.accounted.map(async (oid) => [oid, await this.store.rows(this.snapshot.get(oid)!)] as const)));
    const facts = this.ledger.facts((oid) => before.get(oid)!);
    for (const table of facts.tables) this.events.emit({ type: 'table-counted', table });
    return facts;
  }

  private async countNow(t: TableInfo): Promise<number> {
    const r = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(t)}`);
    return Number(r.rows[0]!.n);
  }

  private async forwardStep(step: number, touched: Touch[]): Promise<void> {
    // Exact counts in parallel; the per-row comparisons share the observer's session, one after another.
    const counted = await Promise.all(touched.map(async (t) => ({
      ...t,
      before: this.ledger.rowsBeforeStep(t.base.oid) ?? (await this.store.rows(t.base)),
      now: t.cur ? await this.countNow(t.cur) : undefined,
    })));
    for (const t of counted) {
      this.ledger.forwardTouched(step, t.base, t.before, t.now);
      if (t.cur && (t.rewritten || t.colsChanged || t.d.upd > 0)) await this.columns(step, t.base, t.cur);
    }
  }

  /** How many of each column's snapshot values survive in the same rows, after forward step `step`. */
  private async columns(step: number, base: TableInfo, cur: TableInfo): Promise<void> {
    const before = await this.store.hashes(base);
    if (!before) return this.columnsWithoutKey(step, base, cur);
    const survived = await this.store.survival(base, cur, before);
    if (!survived) return;
    this.ledger.columnsSurvived(step, base, [...base.columns.values()].map((c) => {
      const s = survived.get(c.attnum)!;
      return { attnum: c.attnum, name: c.name, present: s.present, lost: s.lost, nonNullBefore: before.nonNull.get(c.attnum) ?? s.present };
    }));
  }

  /** A table without a primary key: rows cannot be matched, so a dropped column loses all its values. */
  private async columnsWithoutKey(step: number, base: TableInfo, cur: TableInfo): Promise<void> {
    const dropped = [...base.columns.values()].filter((c) => !cur.columns.has(c.attnum) && this.ledger.columnLostSoFar(base.oid, c.attnum) === undefined);
    for (const c of dropped) {
      const n = await this.store.nonNull(base, c.name);
      this.ledger.columnsSurvived(step, base, [{ attnum: c.attnum, name: c.name, present: n, lost: n, nonNullBefore: n }]);
    }
  }

  /**
   * After the backward run, compare with the snapshot the data of every table the
   * run touched. Missing rows and changed or emptied values are losses; extra rows
   * (stale content types) are not. If the run stopped early (an irreversible
   * migration), steps up to `stillApplied` are still in place: only tables that
   * none of them touched can be expected back as they were.
   */
  private async rolledBack(stillApplied: number, at: Moment): Promise<void> {
    const tables = await at.tables();
    const stats = await at.stats();
    const byName = new Map([...tables.values()].map((t) => [`${t.schema}.${t.name}`, t]));
    const todo = [...this.snapshot.values()].map((base) => ({ base, cur: tables.get(base.oid) ?? byName.get(`${base.schema}.${base.name}`) }))
      .filter(({ base, cur }) => this.ledger.rollbackCompares(base.oid,
        differsFromSnapshot(base, cur, this.snapshotStats.get(base.oid), stats.get(base.oid)), stillApplied));
    const counted = await Promise.all(todo.map(async (t) => ({
      ...t, before: await this.store.rows(t.base), after: t.cur ? await this.countNow(t.cur) : undefined,
    })));
    for (const { base, cur, before, after } of counted) {
      this.ledger.rolledBack(base, before, after);
      const hashes = cur && (await this.store.hashes(base));
      const compared = cur && hashes && (await this.store.rolledBack(base, cur, hashes));
      if (!compared || !hashes) continue;
      for (const c of base.columns.values()) {
        const r = compared.get(c.attnum)!;
        this.ledger.columnRolledBack(base, { attnum: c.attnum, name: c.name, nonNullBefore: hashes.nonNull.get(c.attnum) ?? 0, ...r });
      }
    }
  }
}
