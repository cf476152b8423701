// Every check, in the order findings are reported.
import type { Check } from './facts.js';
import { historyGhost } from './history-ghost.js';
import { historyInconsistent } from './history-inconsistent.js';
import { conflictingLeaves } from './conflicting-leaves.js';
import { strayMigrationFile } from './stray-migration-file.js';
import { migrationFailed } from './migration-failed.js';
import { brokenGraph } from './broken-graph.js';
import { irreversible } from './irreversible.js';
import { rollbackFailed } from './rollback-failed.js';
import { dataLossRows } from './data-loss-rows.js';
import { dataLossTable } from './data-loss-table.js';
import { dataLossColumn } from './data-loss-column.js';
import { rollbackDataLoss } from './rollback-data-loss.js';
import { invariantFailed } from './invariant-failed.js';
import { rollbackSchemaMismatch } from './rollback-schema-mismatch.js';
import { reforwardFailed } from './reforward-failed.js';

export const CHECKS: readonly Check[] = [
  historyGhost,
  historyInconsistent,
  conflictingLeaves,
  strayMigrationFile,
  brokenGraph,
  migrationFailed,
  dataLossTable,
  dataLossRows,
  dataLossColumn,
  irreversible,
  rollbackFailed,
  rollbackSchemaMismatch,
  rollbackDataLoss,
  reforwardFailed,
  invariantFailed,
];
