// The loss ledger, pure: it is told what was measured after each step (row
// counts, how many of a column's snapshot values survive) and keeps the
// account: which step lost what, exactly, and what a rollback failed to bring
// back. No database here, so it is unit-tested on hand-made measurements
// (ledger.test.ts). Only counts and names, never a value.
import type { TableInfo } from '../catalog.js';

export type LossKind = 'rows' | 'table' | 'column';

export interface Loss {
  kind: LossKind;
  /** Plan index of the step that caused it (forward), or the attributed migration (rollback). */
  step: number | undefined;
  /** Names as they stood in the snapshot. */
  schema: string;
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

/** A column's survival after a step: of the snapshot's non-null values in rows still there, how many are lost so far. */
export interface ColumnSurvival {
  attnum: number;
  name: string;
  /** Non-null snapshot values, in rows still present. */
  present: number;
  /** Of those, how many survive nowhere (cumulative over the run). */
  lost: number;
  /** Non-null values the column had in the snapshot (all rows). */
  nonNullBefore: number;
}

type Named = Pick<TableInfo, 'oid' | 'schema' | 'name'>;

export class LossLedger {
  private readonly forwardLosses: Loss[] = [];
  private readonly rollbackLosses: Loss[] = [];
  /** Rows now, after the latest forward step that touched the table. */
  private readonly rowsNow = new Map<number, number>();
  private readonly gone = new Set<number>();
  private readonly columnLost = new Map<string, number>();
  /** The last forward step that touched each table, and every one that did. */
  private readonly lastForward = new Map<number, number>();
  private readonly forwardSteps = new Map<number, Set<number>>();
  /** The first backward step that touched each table. */
  private readonly firstBackward = new Map<number, number>();
  /** The step that first lost a table's rows ("oid") or a column's values ("oid.attnum"). */
  private readonly lossStep = new Map<string, number>();
  private readonly rows = new Map<number, TableRows>();

  /** Tables dropped by a forward step: later steps cannot touch them. */
  get dropped(): ReadonlySet<number> {
    return this.gone;
  }

  /** Rows just before the current forward step, if a step counted the table already. */
  rowsBeforeStep(oid: number): number | undefined {
    return this.rowsNow.get(oid);
  }

  /** How many of a column's values were lost up to now. */
  columnLostSoFar(oid: number, attnum: number): number | undefined {
    return this.columnLost.get(`${oid}.${attnum}`);
  }

  /** Forward step `step` touched `t`: it held `before` rows and now holds `now` (undefined: dropped). */
  forwardTouched(step: number, t: Named, before: number, now: number | undefined): void {
    this.lastForward.set(t.oid, step);
    this.forwardSteps.set(t.oid, (this.forwardSteps.get(t.oid) ?? new Set()).add(step));
    this.rowsNow.set(t.oid, now ?? 0);
    if (now === undefined) {
      this.gone.add(t.oid);
      if (before > 0) this.lose({ kind: 'table', step, ...names(t), before, after: 0, lost: before }, `${t.oid}`);
    } else if (now < before) {
      this.lose({ kind: 'rows', step, ...names(t), before, after: now, lost: before - now }, `${t.oid}`);
    }
  }

  /** After forward step `step`, each column's cumulative survival: the increase is this step's loss. */
  columnsSurvived(step: number, t: Named, columns: ColumnSurvival[]): void {
    for (const c of columns) {
      const k = `${t.oid}.${c.attnum}`;
      const already = this.columnLost.get(k) ?? 0;
      if (c.lost <= already) {
        if (!this.columnLost.has(k)) this.columnLost.set(k, c.lost);
        continue;
      }
      this.columnLost.set(k, c.lost);
      this.lose({
        kind: 'column', step, ...names(t), column: c.name,
        before: c.nonNullBefore, after: c.present - c.lost, lost: c.lost - already,
      }, k);
    }
  }

  /** A backward step touched the table (for attribution when the forward did not). */
  backwardTouched(step: number, oid: number): void {
    if (!this.firstBackward.has(oid)) this.firstBackward.set(oid, step);
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

  /**
   * After the rollback: the table held `before` rows in the snapshot and holds
   * `after` now (undefined: gone). Attributed to the step that lost the data on the
   * way forward, else the last step that touched the table.
   */
  rolledBack(t: Named, before: number, after: number | undefined): void {
    const e = this.entry(t);
    e.rowsAfterBackward = after ?? 0;
    if (e.rowsAfterForward === null) e.rowsAfterForward = this.rowsNow.get(t.oid) ?? before;
    const step = this.lossStep.get(`${t.oid}`) ?? this.touchStep(t.oid);
    if (after === undefined) {
      if (before > 0) this.rollbackLosses.push({ kind: 'table', step, ...names(t), before, after: 0, lost: before });
    } else if (after < before) {
      this.rollbackLosses.push({ kind: 'rows', step, ...names(t), before, after, lost: before - after });
    }
  }

  /** After the rollback: `changed` of the column's `present` non-null snapshot values are missing or different. */
  columnRolledBack(t: Named, c: { attnum: number; name: string; nonNullBefore: number; present: number; changed: number }): void {
    if (c.changed <= 0) return;
    this.rollbackLosses.push({
      kind: 'column', step: this.lossStep.get(`${t.oid}.${c.attnum}`) ?? this.touchStep(t.oid), ...names(t), column: c.name,
      before: c.nonNullBefore, after: c.present - c.changed, lost: c.changed,
    });
  }

  /** The account, with each touched table's snapshot row count. */
  facts(rowsBefore: (oid: number) => number): DataFacts {
    for (const [oid, e] of this.rows) {
      e.rowsBefore = rowsBefore(oid);
      if (e.rowsAfterForward === null) e.rowsAfterForward = this.rowsNow.get(oid) ?? null;
    }
    const tables = [...this.rows.values()].sort((a, b) => a.table.localeCompare(b.table));
    return { forward: this.forwardLosses, rollback: this.rollbackLosses, tables };
  }

  /** Tables with a row in the account (touched forward, or compared after the rollback). */
  get accounted(): number[] {
    return [...this.rows.keys()];
  }

  private touchStep(oid: number): number | undefined {
    return this.lastForward.get(oid) ?? this.firstBackward.get(oid);
  }

  private lose(loss: Loss, key: string): void {
    this.forwardLosses.push(loss);
    if (!this.lossStep.has(key)) this.lossStep.set(key, loss.step!);
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
