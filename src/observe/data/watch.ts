// The data watch: exact row, table and column losses, at the cost of what the
// migrations touch. After each forward step, change detection (./detect.ts)
// names the touched tables; they are counted exactly and, where values may have
// changed, compared with the snapshot's (./before-store.ts, ./survival.ts),
// looking for each value where the release could have put it (./places.ts).
// After each backward step the touched tables are measured again, so that what
// the rollback fails to bring back is named after the reverse that left it;
// after the whole backward run, every touched table is compared with the
// snapshot. The ledger (./ledger.ts) keeps the account. The pipeline calls it in
// run order.
import pg from 'pg';
import { pgConfig, qualified } from '../../db.js';
import type { Events } from '../../report/events.js';
import type { ConnInfo } from '../../sandbox/provider.js';
import type { Moment, TableInfo, TupleStats } from '../catalog.js';
import type { Change, ChangeOutcome, Observer, StepSummary } from '../observer.js';
import { BeforeStore } from './before-store.js';
import { differsFromSnapshot, intactSince, touchedBetween, type Reading, type Touch } from './detect.js';
import type { DataFacts, LeftBehind } from './facts.js';
import { LossLedger } from './ledger.js';
import { placesFor, targetsFor, type ReleaseView } from './places.js';
import { changes, column, inPlace, inPlaceSince, moves, survival, type InPlace } from './survival.js';
import { JSON_OR_NULL } from './values.js';

/** A comparison's counts per column, and the snapshot's non-null values per column. */
interface Compared {
  here: Map<number, InPlace>;
  nonNull: Map<number, number>;
}

export class DataWatch implements Observer {
  readonly name = 'data';
  private readonly pool: pg.Pool;
  private readonly store: BeforeStore;
  private readonly ledger = new LossLedger();
  private snapshot!: Map<number, TableInfo>;
  private snapshotStats!: Map<number, TupleStats>;
  private last!: Reading;
  /** Columns (by attnum) of snapshot tables whose values the release changed, so far. */
  private readonly written = new Map<number, Set<number>>();
  /** Snapshot columns (by attnum) not intact in place after the last step that measured them. */
  private readonly notIntact = new Map<number, Set<number>>();
  /** Text columns the release turned into json or jsonb: after the rollback they are compared as JSON. */
  private readonly madeJson = new Map<number, Map<number, 'json'>>();
  /** Comparisons run, by what their result depends on (remembered()). */
  private readonly compared = new Map<string, Promise<Compared | undefined>>();
  /** The first transaction id free at the baseline: rows written since carry a newer xmin (undefined near wraparound). */
  private newerThan: number | undefined;

  constructor(private readonly client: pg.Client, workConn: ConnInfo, templateConn: ConnInfo, private readonly events: Events) {
    // Exact counts run in parallel over a small pool; comparisons use the observer's session (its temp tables).
    this.pool = new pg.Pool({ ...pgConfig(workConn, 'rehearse-observer'), max: 4 });
    this.pool.on('error', () => {});
    this.store = new BeforeStore(client, templateConn);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
    await this.store.close();
  }

  async baseline(at: Moment): Promise<void> {
    this.snapshot = await at.tables();
    this.snapshotStats = await at.stats();
    this.last = { tables: this.snapshot, stats: this.snapshotStats };
    await this.client.query(JSON_OR_NULL);
    const r = await this.client.query<{ x: string }>('SELECT txid_snapshot_xmax(txid_current_snapshot())::text AS x');
    const xid = Number(BigInt(r.rows[0]!.x) % 2n ** 32n);
    // Tuples carry 32-bit xids: compared as numbers only while no wraparound can come within a run.
    this.newerThan = xid < 2 ** 32 - 2 ** 30 ? xid : undefined;
  }

  async after(change: Change, outcome: ChangeOutcome, at: Moment): Promise<void> {
    if (change.phase === 'reforward') return;
    const prev = this.last;
    const now = { tables: await at.tables(), stats: await at.stats() };
    this.last = now;
    const touched = touchedBetween(this.snapshot, prev, now, change.phase === 'forward' ? this.ledger.dropped : new Set());
    if (change.phase === 'backward') return this.backwardStep(change.index, touched, prev, now);
    // Observed even when the step failed: a non-atomic migration can change data and then raise.
    await this.forwardStep(change.index, touched, prev, now);
    if (!outcome.ok) await this.leftovers(change.index, touched, prev, now);
  }

  async stepEnded(summary: StepSummary, at: Moment): Promise<void> {
    if (summary.phase === 'forward') this.ledger.forwardDone((oid) => this.snapshot.get(oid)!);
    // Where the rollback stopped early, the data of what it did revert is still compared.
    if (summary.phase === 'backward' && (summary.complete || summary.anyDone)) await this.rolledBack(summary.stoppedAt ?? -1, at);
  }

  /** The losses so far, mid-run: no counts are final yet. */
  peek(): DataFacts {
    return this.ledger.peek();
  }

  /** The account, and each touched table's counts as events. */
  async finish(): Promise<DataFacts> {
    const before = new Map(await Promise.all(this.ledger.accounted.map(async (oid) => [oid, await this.store.rows(this.snapshot.get(oid)!)] as const)));
    const facts = this.ledger.facts((oid) => before.get(oid)!);
    for (const table of facts.tables) this.events.emit({ type: 'table-counted', table });
    return facts;
  }

  private view(now: Reading): ReleaseView {
    return { snapshot: this.snapshot, snapshotStats: this.snapshotStats, tables: now.tables, stats: now.stats, written: this.written };
  }

  private async countNow(t: TableInfo): Promise<number> {
    const r = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(t)}`);
    return Number(r.rows[0]!.n);
  }

  /** Exact rows now: the snapshot's count where no row can have come or gone since (no insert, delete or rewrite), else counted. */
  private async rowsNow(base: TableInfo, cur: TableInfo, stats: Map<number, TupleStats>): Promise<number> {
    const s0 = this.snapshotStats.get(base.oid);
    const s1 = stats.get(base.oid);
    if (intactSince(base, cur, s0, s1) && s1!.ins === s0!.ins) return this.store.rows(base);
    return this.countNow(cur);
  }

  private async forwardStep(step: number, touched: Touch[], prev: Reading, now: Reading): Promise<void> {
    // Exact counts in parallel; the comparisons share the observer's session, one after another.
    const counted = await Promise.all(touched.map(async (t) => ({
      ...t,
      before: this.ledger.rowsBeforeStep(t.base.oid) ?? (await this.store.rows(t.base)),
      now: t.cur ? await this.rowsNow(t.base, t.cur, now.stats) : undefined,
    })));
    for (const t of counted) {
      await this.rowsAfter(step, t, now);
      if (t.cur) await this.columnsAfter(step, t, t.cur, prev, now);
    }
  }

  /** Rows of the snapshot missing now, and how many of them live on whole elsewhere. */
  private async rowsAfter(step: number, t: Touch & { before: number; now: number | undefined }, now: Reading): Promise<void> {
    let missing = Math.max(0, (await this.store.rows(t.base)) - (t.now ?? 0));
    let moved = 0;
    const movedTo: string[] = [];
    const targets = missing > 0 ? targetsFor(t.base, this.view(now)) : [];
    const stored = targets.length ? await this.store.hashes(t.base) : undefined;
    if (stored) {
      const m = await moves(this.client, t.base, t.cur, stored, targets);
      ({ missing, moved } = m);
      for (const target of targets) if ((m.to.get(target.table.oid) ?? 0) > 0) movedTo.push(target.table.name);
    }
    const references = t.base.fks.map((fk) => this.snapshot.get(fk.refTable)?.name).filter((n): n is string => !!n && n !== t.base.name);
    this.ledger.rowsMeasured(step, t.base, { before: t.before, now: t.now, missing, moved, movedTo, references });
  }

  /** How many of each column's snapshot values survive where the release could have put them. */
  private async columnsAfter(step: number, t: Touch, cur: TableInfo, prev: Reading, now: Reading): Promise<void> {
    const { base } = t;
    const was = prev.tables.get(base.oid);
    const retyped = [...base.columns.keys()].filter((a) => was?.columns.get(a) && cur.columns.get(a) && was.columns.get(a)!.type !== cur.columns.get(a)!.type);
    const gone = [...base.columns.keys()].filter((a) => !cur.columns.has(a));
    // Without a rewrite or an update, only dropped or retyped columns (and those already broken) can have changed.
    const suspects = t.rewritten || t.d.upd > 0
      ? [...base.columns.keys()]
      : [...new Set([...gone, ...retyped, ...(this.notIntact.get(base.oid) ?? [])])];
    for (const a of retyped.filter((x) => cur.columns.get(x)!.value.family === 'json' && base.columns.get(x)!.value.family === 'str')) {
      this.madeJson.set(base.oid, (this.madeJson.get(base.oid) ?? new Map()).set(a, 'json'));
    }
    if (!suspects.length) return;
    if (!base.pk.length) return this.columnsWithoutKey(step, base, gone);
    const { here, nonNull } = await this.compare(base, cur, suspects, false, now.stats) ?? await this.compareAll(base, cur, suspects, false, now.stats);
    const written = this.written.get(base.oid) ?? new Set<number>();
    for (const [a, c] of here) if (cur.columns.has(a) && (c.present > c.unchanged || c.filled > 0)) written.add(a);
    this.written.set(base.oid, written);
    const broken = suspects.filter((a) => here.get(a)!.present > here.get(a)!.unchanged);
    this.notIntact.set(base.oid, new Set(broken));
    const survived = broken.length ? await survival(this.client, this.store, base, cur, (await this.store.hashes(base))!, broken, placesFor(cur, this.view(now))) : new Map<number, number>();
    this.ledger.columnsMeasured(step, base, suspects.map((a) => {
      const c = here.get(a)!;
      return {
        attnum: a, name: base.columns.get(a)!.name, present: c.present, nonNullBefore: nonNull.get(a) ?? c.present,
        lost: survived.has(a) ? c.present - survived.get(a)! : 0,
        change: !cur.columns.has(a) ? 'dropped' : retyped.includes(a) ? 'retyped' : 'written',
      };
    }));
  }

  /** A table without a primary key: rows cannot be matched, so a dropped column loses all its values. */
  private async columnsWithoutKey(step: number, base: TableInfo, gone: number[]): Promise<void> {
    for (const a of gone.filter((x) => this.ledger.lostSoFar(`${base.oid}.${x}`) === undefined)) {
      const n = await this.store.nonNull(base, base.columns.get(a)!.name);
      this.ledger.columnsMeasured(step, base, [{ attnum: a, name: base.columns.get(a)!.name, present: n, lost: n, nonNullBefore: n, change: 'dropped' }]);
    }
  }

  /** What a failed step left in the database: tables and columns it created, rows it changed. */
  private async leftovers(step: number, touched: Touch[], prev: Reading, now: Reading): Promise<void> {
    const left: LeftBehind = { step, created: [], columns: [], rows: [] };
    for (const t of [...now.tables.values()].filter((x) => !prev.tables.has(x.oid))) left.created.push({ table: t.name, rows: await this.countNow(t) });
    for (const { base, cur } of touched) {
      if (!cur) continue;
      const was = prev.tables.get(base.oid)!;
      for (const c of cur.columns.values()) if (!was.columns.has(c.attnum)) left.columns.push({ table: base.name, column: c.name });
      const stored = await this.store.hashes(base);
      const r = stored ? await changes(this.client, this.store, base, cur, stored) : undefined;
      if (r && (r.inserted || r.updated || r.deleted)) left.rows.push({ table: base.name, ...r });
    }
    this.ledger.leftBehind(left);
  }

  /** After a backward step: how much of each touched table survives nowhere, for naming the reverse that lost it. */
  private async backwardStep(step: number, touched: Touch[], prev: Reading, now: Reading): Promise<void> {
    for (const t of touched) this.ledger.backwardTouched(step, t.base.oid);
    // A table the reverse re-created (DeleteModel reversed) is a new one, found by name.
    const byName = new Map([...now.tables.values()].map((t) => [`${t.schema}.${t.name}`, t]));
    const recreated = [...this.snapshot.values()].filter((b) => {
      const cur = byName.get(`${b.schema}.${b.name}`);
      return !now.tables.has(b.oid) && cur !== undefined && !prev.tables.has(cur.oid);
    });
    for (const base of new Set([...touched.map((t) => t.base), ...recreated])) {
      await this.measureBack(step, base, now.tables.get(base.oid) ?? byName.get(`${base.schema}.${base.name}`), now.stats);
    }
  }

  private async measureBack(step: number, base: TableInfo, cur: TableInfo | undefined, stats: Map<number, TupleStats>): Promise<void> {
    if (intactSince(base, cur, this.snapshotStats.get(base.oid), stats.get(base.oid))) {
      for (const key of [`${base.oid}`, ...[...base.columns.keys()].map((a) => `${base.oid}.${a}`)]) this.ledger.backwardMeasured(step, key, 0);
      return;
    }
    const rows = await this.store.rows(base);
    if (!cur || !base.pk.length) {
      this.ledger.backwardMeasured(step, `${base.oid}`, cur ? Math.max(0, rows - (await this.countNow(cur))) : rows);
      return;
    }
    const all = [...base.columns.keys()];
    const quick = await this.compare(base, cur, all, true, stats);
    this.ledger.backwardMeasured(step, `${base.oid}`, quick ? 0 : (await moves(this.client, base, cur, (await this.store.hashes(base))!, [])).missing);
    const { here } = quick ?? await this.compareAll(base, cur, all, true, stats);
    const broken = all.filter((a) => here.get(a)!.present > here.get(a)!.unchanged);
    const names = new Set([...base.columns.values()].map((c) => c.name));
    const added = [...cur.columns.values()].filter((c) => !names.has(c.name));
    const survived = broken.length ? await survival(this.client, this.store, base, cur, (await this.store.hashes(base))!, broken, added.length ? [{ kind: 'row', columns: added }] : [], true) : new Map();
    for (const a of all) this.ledger.backwardMeasured(step, `${base.oid}.${a}`, survived.has(a) ? here.get(a)!.present - survived.get(a)! : 0);
  }

  /**
   * After the backward run, compare with the snapshot every table the run
   * touched: rows missing, and values missing or changed, by name (a table the
   * reverse re-created is a new one). Extra rows (stale content types) are not a
   * loss, nor are NULLs that now hold a value (filled). If the run stopped early
   * (an irreversible migration), steps up to `stillApplied` are still in place:
   * only tables none of them touched can be expected back as they were.
   */
  private async rolledBack(stillApplied: number, at: Moment): Promise<void> {
    const tables = await at.tables();
    const stats = await at.stats();
    const byName = new Map([...tables.values()].map((t) => [`${t.schema}.${t.name}`, t]));
    const todo = [...this.snapshot.values()].map((base) => ({ base, cur: tables.get(base.oid) ?? byName.get(`${base.schema}.${base.name}`) }))
      .filter(({ base, cur }) => this.ledger.rollbackCompares(base.oid,
        differsFromSnapshot(base, cur, this.snapshotStats.get(base.oid), stats.get(base.oid)), stillApplied));
    const counted = await Promise.all(todo.map(async (t) => ({
      ...t, before: await this.store.rows(t.base), after: t.cur ? await this.rowsNow(t.base, t.cur, stats) : undefined,
    })));
    for (const { base, cur, before, after } of counted) {
      if (intactSince(base, cur, this.snapshotStats.get(base.oid), stats.get(base.oid))) {
        this.ledger.rolledBack(base, before, after, 0);
        continue;
      }
      const keyed = cur && base.pk.length ? cur : undefined;
      const all = [...base.columns.keys()];
      const quick = keyed && await this.compare(base, keyed, all, true, stats);
      const missing = quick ? 0 : keyed ? (await moves(this.client, base, keyed, (await this.store.hashes(base))!, [])).missing : Math.max(0, before - (after ?? 0));
      this.ledger.rolledBack(base, before, after, missing);
      if (keyed) this.columnsBack(base, quick || await this.compareAll(base, keyed, all, true, stats));
    }
  }

  /**
   * inPlace over the rows written since the baseline only, where the table's
   * other tuples are the snapshot's own (the same file).
   * Undefined where that does not hold, or a snapshot row is missing: then the
   * full comparison runs (and, first, `moves` counts the missing rows).
   */
  private compare(base: TableInfo, cur: TableInfo, attnums: number[], byName: boolean, stats: Map<number, TupleStats>): Promise<Compared | undefined> {
    if (this.newerThan === undefined || cur.oid !== base.oid || cur.filenode !== base.filenode) return Promise.resolve(undefined);
    const newerThan = this.newerThan;
    return this.remembered('since', base, cur, attnums, byName, stats, async () => {
      const s0 = this.snapshotStats.get(base.oid);
      const s1 = stats.get(base.oid);
      const stored = await this.store.written(base, cur, newerThan, byName, s0 && s1 ? s1.ins - s0.ins + s1.upd - s0.upd : undefined);
      const here = stored && await inPlaceSince(this.client, this.store, base, cur, stored, attnums, newerThan, byName, byName ? this.madeJson.get(base.oid) : undefined);
      return here ? { here, nonNull: stored!.nonNull } : undefined;
    });
  }

  /** inPlace over every row, on the snapshot's full hashes (loaded once). The table has a primary key. */
  private async compareAll(base: TableInfo, cur: TableInfo, attnums: number[], byName: boolean, stats: Map<number, TupleStats>): Promise<Compared> {
    return (await this.remembered('all', base, cur, attnums, byName, stats, async () => {
      const stored = (await this.store.hashes(base))!;
      const here = await inPlace(this.client, this.store, base, cur, stored, attnums, byName, byName ? this.madeJson.get(base.oid) : undefined);
      return { here, nonNull: stored.nonNull };
    }))!;
  }

  /**
   * A comparison's result, again, where nothing it reads has changed since it
   * ran: the same table and file, the same tuple counters (exact: Django's
   * backend has gone), and the same physical columns for the snapshot's and
   * its key's. Columns found by name (after a rollback) or by number are the
   * same comparison when they resolve to the same columns: so the rollback's
   * final comparison of a table nothing touched since a forward step is that
   * step's. Each would otherwise compare every written row again (0.3 s each
   * for 200,000 rows).
   */
  private remembered(kind: string, base: TableInfo, cur: TableInfo, attnums: number[], byName: boolean, stats: Map<number, TupleStats>,
    run: () => Promise<Compared | undefined>): Promise<Compared | undefined> {
    const s = stats.get(cur.oid);
    if (!s) return run();
    const cols = (list: number[]) => list.map((a) => {
      const c = column(base, cur, a, byName);
      return c ? `${a}=${c.attnum}:${c.type}` : `${a}=-`;
    }).join(',');
    const as = byName ? [...(this.madeJson.get(base.oid) ?? [])].join(';') : '';
    const key = [kind, base.oid, cur.oid, cur.filenode, s.ins, s.upd, s.del, cols(attnums), cols(base.pk), as].join('|');
    let p = this.compared.get(key);
    if (!p) {
      p = run();
      this.compared.set(key, p);
    }
    return p;
  }

  private columnsBack(base: TableInfo, { here, nonNull }: Compared): void {
    for (const c of base.columns.values()) {
      const r = here.get(c.attnum);
      if (!r) continue;
      this.ledger.columnRolledBack(base, {
        attnum: c.attnum, name: c.name, nonNullBefore: nonNull.get(c.attnum) ?? 0,
        present: r.present, changed: r.present - r.unchanged, filled: r.filled,
      });
    }
  }
}
