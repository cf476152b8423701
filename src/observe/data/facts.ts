// What the data watch hands the checks, and what it is told after each step:
// counts and names only, never a value. Kept by the ledger (./ledger.ts).

/**
 * rows/table: rows gone; column: values gone (dropped, or altered by a type
 * change); overwritten: values a data migration changed in place; moved: rows
 * that live on whole elsewhere (not a loss).
 */
export type LossKind = 'rows' | 'table' | 'column' | 'overwritten' | 'moved';

export interface Loss {
  kind: LossKind;
  /** Plan index of the step that caused it (forward), or of the migration whose reverse left it (rollback). */
  step: number | undefined;
  /** Names as they stood in the snapshot. */
  schema: string;
  table: string;
  column?: string;
  before: number;
  after: number;
  lost: number;
  /** moved: the tables the rows live on in. */
  to?: string[];
  /** rows/table: the tables this one references by foreign key (a cascade runs along them). */
  references?: string[];
}

export interface TableRows {
  table: string;
  rowsBefore: number | null;
  rowsAfterForward: number | null;
  rowsAfterBackward: number | null;
  /** Snapshot NULLs that hold a value after the rollback: not a loss. */
  filled?: number;
}

/** What a failed step left in the database: a re-run starts from there. */
export interface LeftBehind {
  step: number;
  created: Array<{ table: string; rows: number }>;
  columns: Array<{ table: string; column: string }>;
  rows: Array<{ table: string; inserted: number; updated: number; deleted: number }>;
}

export interface DataFacts {
  forward: Loss[];
  rollback: Loss[];
  tables: TableRows[];
  leftBehind: LeftBehind[];
}

/** A column's survival after a step: of the snapshot's non-null values in rows still there, how many are lost so far. */
export interface ColumnSurvival {
  attnum: number;
  name: string;
  /** Non-null snapshot values, in rows still present. */
  present: number;
  /** Of those, how many survive nowhere the release put them (cumulative over the run). */
  lost: number;
  /** Non-null values the column had in the snapshot (all rows). */
  nonNullBefore: number;
  /** What this step did to the column: dropped it, changed its type, or neither (values written in place). */
  change: 'dropped' | 'retyped' | 'written';
}

/** A table's rows after a forward step, cumulative against the snapshot. */
export interface RowsSurvival {
  /** Rows just before the step, and now (undefined: the table is gone). */
  before: number;
  now: number | undefined;
  /** Snapshot rows no longer in the table, and of those, how many live on whole elsewhere, and where. */
  missing: number;
  moved: number;
  movedTo: string[];
  /** The tables it references by foreign key, in the snapshot. */
  references: string[];
}

