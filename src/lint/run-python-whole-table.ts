// run-python-whole-table: a RunPython in an atomic migration. Everything it
// updates stays locked (row locks, and the table's lock) until the whole
// migration commits, and one transaction over a big table holds back vacuum
// and replication. Safe in Django: a migration with `atomic = False` that
// updates in batches (each committed), resumable if it stops halfway.
import type { LintRule } from './rule.js';

export const runPythonWholeTable: LintRule = {
  name: 'run-python-whole-table',
  inspect(m) {
    if (!m.atomic || m.direction !== 'forward') return [];
    return m.operations.flatMap((op, i) => (op.kind === 'RunPython' ? [{
      rule: this.name,
      message: `runs Python (${op.describe}) inside one transaction: every row it writes stays locked until the migration commits`,
      safe: 'atomic = False, and update in committed batches that a re-run can resume',
      statement: m.statements.findIndex((s) => s.operation === i),
    }] : []));
  },
};
