// The loss ledger, pure: it is told what was measured after each step (row
// counts, how many of a column's snapshot values survive anywhere the release
// put them) and keeps the account: which step lost, overwrote or moved what,
// exactly, and what the rollback failed to bring back, named after the
// migration whose reverse left it so. No database here: it is unit-tested on
// hand-made measurements (ledger.test.ts). Only counts and names, never a value.
import type { TableInfo } from '../catalog.js';
import type { ColumnSurvival, DataFacts, LeftBehind, Loss, RowsSurvival, TableRows } from './facts.js';

type Named = Pick<TableInfo, 'oid' | 'schema' | 'name'>;
type History = Array<{ step: number; lost: number }>;

export class LossLedger {
  private readonly forwardLosses: Loss[] = [];
  private readonly rollbackLosses: Loss[] = [];
  private readonly left: LeftBehind[] = [];
  private readonly rowsNow = new Map<number, number>();
  private readonly gone = new Set<number>();
  /** Cumulative lost so far per table ("oid") and column ("oid.attnum"), and after which forward step it became so. */
  private readonly lost = new Map<string, History>();
  private readonly movedSoFar = new Map<number, number>();
  private readonly lastForward = new Map<number, number>();
  private readonly forwardSteps = new Map<number, Set<number>>();
  private readonly firstBackward = new Map<number, number>();
  /** What each backward step left lost, per key, in the order they ran. */
  private readonly backwardSeen = new Map<string, History>();
  private readonly rows = new Map<number, TableRows>();

  /** Tables dropped by a forward step: later steps cannot touch them. */
  get dropped(): ReadonlySet<number> {
    return this.gone;
  }

  /** Rows just before the current forward step, if a step counted the table already. */
  rowsBeforeStep(oid: number): number | undefined {
    return this.rowsNow.get(oid);
  }

  /** How much of a table ("oid") or column ("oid.attnum") is lost so far; undefined if never measured. */
  lostSoFar(key: string): number | undefined {
    return this.lost.get(key)?.at(-1)?.lost;
  }

  /** Forward step `step` touched `t`: its rows, counted against the snapshot. */
  rowsMeasured(step: number, t: Named, r: RowsSurvival): void {
    this.touchedForward(step, t.oid);
    this.rowsNow.set(t.oid, r.now ?? 0);
    if (r.now === undefined) this.gone.add(t.oid);
    const movedBefore = this.movedSoFar.get(t.oid) ?? 0;
    if (r.moved > movedBefore) {
      this.movedSoFar.set(t.oid, r.moved);
      this.forwardLosses.push({ kind: 'moved', step, ...names(t), before: r.before, after: r.now ?? 0, lost: r.moved - movedBefore, to: r.movedTo });
    }
    const increase = this.record(`${t.oid}`, step, Math.max(0, r.missing - r.moved));
    if (increase <= 0) return;
    const kind = r.now === undefined ? 'table' : 'rows';
    this.forwardLosses.push({ kind, step, ...names(t), before: r.before, after: r.now ?? 0, lost: increase, references: r.references });
  }

  /** After forward step `step`, each column's cumulative survival: the increase is this step's. */
  columnsMeasured(step: number, t: Named, columns: ColumnSurvival[]): void {
    this.touchedForward(step, t.oid);
    for (const c of columns) {
      const increase = this.record(`${t.oid}.${c.attnum}`, step, c.lost);
      if (increase <= 0) continue;
      this.forwardLosses.push({
        kind: c.change === 'written' ? 'overwritten' : 'column', step, ...names(t), column: c.name,
        before: c.nonNullBefore, after: c.present - c.lost, lost: increase,
      });
    }
  }

  /** A failed step's leftovers. */
  leftBehind(l: LeftBehind): void {
    this.left.push(l);
  }

  /** A backward step touched the table (for attribution when nothing else names a step). */
  backwardTouched(step: number, oid: number): void {
    if (!this.firstBackward.has(oid)) this.firstBackward.set(oid, step);
  }

  /** After backward step `step`: how much of a table ("oid") or column ("oid.attnum") survives nowhere now. */
  backwardMeasured(step: number, key: string, lost: number): void {
    const seen = this.backwardSeen.get(key) ?? [];
    seen.push({ step, lost });
    this.backwardSeen.set(key, seen);
  }

  /** The forward run is over: each touched table's rows after it. */
  forwardDone(tables: (oid: number) => Named): void {
    for (const oid of this.lastForward.keys()) this.entry(tables(oid)).rowsAfterForward = this.rowsNow.get(oid) ?? null;
  }

  /** Whether a table needs comparing after the rollback: touched, and not still held by a step that stayed applied. */
  rollbackCompares(oid: number, differs: boolean, stillApplied: number): boolean {
    const touched = this.lastForward.has(oid) || this.firstBackward.has(oid) || differs;
    const kept = [...(this.forwardSteps.get(oid) ?? [])].some((s) => s <= stillApplied);
    return touched && !kept;
  }

  /** After the rollback: the snapshot held `before` rows; `after` are there now (undefined: gone), `missing` of the snapshot's are not. */
  rolledBack(t: Named, before: number, after: number | undefined, missing: number): void {
    const e = this.entry(t);
    e.rowsAfterBackward = after ?? 0;
    if (e.rowsAfterForward === null) e.rowsAfterForward = this.rowsNow.get(t.oid) ?? before;
    if (missing <= 0) return;
    const step = this.blame(`${t.oid}`, t.oid);
    this.rollbackLosses.push({ kind: after === undefined ? 'table' : 'rows', step, ...names(t), before, after: after ?? 0, lost: missing });
  }

  /** After the rollback: `changed` of the column's `present` non-null snapshot values are missing or different; `filled` NULLs hold a value. */
  columnRolledBack(t: Named, c: { attnum: number; name: string; nonNullBefore: number; present: number; changed: number; filled: number }): void {
    if (c.filled > 0) {
      const e = this.entry(t);
      e.filled = (e.filled ?? 0) + c.filled;
    }
    if (c.changed <= 0) return;
    this.rollbackLosses.push({
      kind: 'column', step: this.blame(`${t.oid}.${c.attnum}`, t.oid), ...names(t), column: c.name,
      before: c.nonNullBefore, after: c.present - c.changed, lost: c.changed,
    });
  }

  /** The account, with each touched table's snapshot row count. */
  /** The losses so far, without the per-table account (which is only final at the end). */
  peek(): DataFacts {
    return { forward: [...this.forwardLosses], rollback: [...this.rollbackLosses], tables: [], leftBehind: [...this.left] };
  }

  facts(rowsBefore: (oid: number) => number): DataFacts {
    for (const [oid, e] of this.rows) {
      e.rowsBefore = rowsBefore(oid);
      if (e.rowsAfterForward === null) e.rowsAfterForward = this.rowsNow.get(oid) ?? null;
    }
    const tables = [...this.rows.values()].sort((a, b) => a.table.localeCompare(b.table));
    return { forward: this.forwardLosses, rollback: this.rollbackLosses, tables, leftBehind: this.left };
  }

  /** Tables with a row in the account (touched forward, or compared after the rollback). */
  get accounted(): number[] {
    return [...this.rows.keys()];
  }

  /**
   * The migration whose reverse left a loss: the first backward step after
   * which more was lost than the state it returns to had lost (the forward
   * account just before that migration), for good. Else the step that lost it
   * on the way forward (its reverse did not bring it back), else the last step
   * that touched the table.
   */
  private blame(key: string, oid: number): number | undefined {
    let owner: number | undefined;
    for (const { step, lost } of this.backwardSeen.get(key) ?? []) {
      if (lost > this.lostBefore(key, step)) owner ??= step;
      else owner = undefined;
    }
    return owner ?? this.lost.get(key)?.find((h) => h.lost > 0)?.step ?? this.lastForward.get(oid) ?? this.firstBackward.get(oid);
  }

  /** What the forward account had lost for `key` just before migration `step` was applied. */
  private lostBefore(key: string, step: number): number {
    return [...(this.lost.get(key) ?? [])].reverse().find((h) => h.step < step)?.lost ?? 0;
  }

  /** Record the cumulative `lost` after `step`; returns the increase. */
  private record(key: string, step: number, lost: number): number {
    const history = this.lost.get(key) ?? [];
    const before = history.at(-1)?.lost ?? 0;
    if (lost !== before || history.length === 0) history.push({ step, lost });
    this.lost.set(key, history);
    return lost - before;
  }

  private touchedForward(step: number, oid: number): void {
    this.lastForward.set(oid, step);
    this.forwardSteps.set(oid, (this.forwardSteps.get(oid) ?? new Set()).add(step));
  }

  private entry(t: Named): TableRows {
    let e = this.rows.get(t.oid);
    if (!e) {
      e = { table: t.name, rowsBefore: null, rowsAfterForward: null, rowsAfterBackward: null };
      this.rows.set(t.oid, e);
    }
    return e;
  }
}

const names = (t: Named) => ({ schema: t.schema, table: t.name });
