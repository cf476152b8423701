// Every lint rule, in the order their hits are reported.
import { addFieldDefault } from './add-field-default.js';
import { constraintNotValid } from './constraint-not-valid.js';
import { dropColumn } from './drop-column.js';
import { indexNotConcurrent } from './index-not-concurrent.js';
import { lockTimeout } from './lock-timeout.js';
import { rename } from './rename.js';
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
