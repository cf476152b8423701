// Every check, in the order findings are reported, and what is derived from
// their declarations: the report phase of each code (JUnit), which codes each
// --allow-* option can allow (policy), and running them on static or run facts.
import type { FindingCode } from '../report/model.js';
import { brokenGraph } from './broken-graph.js';
import { conflictingLeaves } from './conflicting-leaves.js';
import { dataLossColumn } from './data-loss-column.js';
import { dataLossRows } from './data-loss-rows.js';
import { dataLossTable } from './data-loss-table.js';
import { dataMoved } from './data-moved.js';
import { dataOverwritten } from './data-overwritten.js';
import type { Check, Draft, ReportPhase, RunFacts, StaticFacts } from './facts.js';
import { historyGhost } from './history-ghost.js';
import { historyInconsistent } from './history-inconsistent.js';
import { historySquashPartial } from './history-squash-partial.js';
import { invariantFailed } from './invariant-failed.js';
import { irreversible } from './irreversible.js';
import { lockRisk } from './lock-risk.js';
import { migrationSlow } from './migration-slow.js';
import { migrationFailed } from './migration-failed.js';
import { modelsNotMigrated } from './models-not-migrated.js';
import { reforwardFailed } from './reforward-failed.js';
import { rollbackDataLoss } from './rollback-data-loss.js';
import { rollbackFailed } from './rollback-failed.js';
import { rollbackSchemaMismatch } from './rollback-schema-mismatch.js';
import { stepFailed } from './step-failed.js';
import { strayMigrationFile } from './stray-migration-file.js';

export const CHECKS: readonly Check<any>[] = [
  historyGhost,
  historyInconsistent,
  historySquashPartial,
  conflictingLeaves,
  strayMigrationFile,
  brokenGraph,
  migrationFailed,
  modelsNotMigrated,
  dataLossTable,
  dataLossRows,
  dataLossColumn,
  dataOverwritten,
  dataMoved,
  irreversible,
  rollbackFailed,
  rollbackSchemaMismatch,
  rollbackDataLoss,
  reforwardFailed,
  lockRisk,
  migrationSlow,
  stepFailed,
  invariantFailed,
];

const declared = new Map<FindingCode, Check<any>>(CHECKS.flatMap((c) => c.codes.map((code: FindingCode) => [code, c] as const)));

/** The report phase (JUnit test suite) of a code; codes no check raises yet go with the forward run. */
export function phaseOf(code: FindingCode): ReportPhase {
  return declared.get(code)?.phase ?? 'forward';
}

/** Which --allow-* option can allow a code's findings. */
export function allowanceOf(code: FindingCode): Check['allows'] {
  return declared.get(code)?.allows;
}

/** The static checks only: what `plan` can say without a database. */
export function inspectStatic(facts: StaticFacts): Draft[] {
  return CHECKS.flatMap((c) => (c.needs === 'static' ? c.inspect(facts) : []));
}

/** Every check, in report order, on what a rehearsal saw. */
export function inspectRun(facts: RunFacts): Draft[] {
  return CHECKS.flatMap((c) => c.inspect(facts));
}
