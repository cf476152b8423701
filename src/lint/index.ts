// Every lint rule, in the order their hits are reported.
import { addFieldDefault } from './add-field-default.js';
import { constraintNotValid } from './constraint-not-valid.js';
import { dropColumn } from './drop-column.js';
import { indexNotConcurrent } from './index-not-concurrent.js';
import { lockTimeout } from './lock-timeout.js';
import { rename } from './rename.js';
import type { SqlPlan } from '../django/protocol.js';
import type { LintHit, LintMigration, LintRule } from './rule.js';
import { runPythonWholeTable } from './run-python-whole-table.js';
import { setNotNull } from './set-not-null.js';
import { typeChangeRewrite } from './type-change-rewrite.js';
import { volatileDefault } from './volatile-default.js';

export const RULES: readonly LintRule[] = [
  indexNotConcurrent,
  volatileDefault,
  typeChangeRewrite,
  setNotNull,
  constraintNotValid,
  rename,
  dropColumn,
  lockTimeout,
  runPythonWholeTable,
  addFieldDefault,
];

export function lint(m: LintMigration): LintHit[] {
  return RULES.flatMap((r) => r.inspect(m));
}

/** One migration's lint, in one direction. */
export interface LintResult {
  app: string;
  migration: string;
  direction: 'forward' | 'backward';
  hits: LintHit[];
}

/** The lint of every pending migration's SQL (the runner's sqlplan), both directions. */
export function lintPlan(plan: SqlPlan): LintResult[] {
  return plan.flatMap((m) => (['forward', 'backward'] as const).map((direction) => ({
    app: m.app, migration: m.name, direction,
    hits: lint({ app: m.app, name: m.name, atomic: m.atomic, direction, statements: m[direction].statements,
      operations: m.operations.map((o) => ({ kind: o.kind, describe: o.describe, ...(o.field ? { field: o.field } : {}) })) }),
  })));
}
