// IRREVERSIBLE: a pending migration cannot be reversed (RunPython without
// reverse_code, RunSQL without reverse_sql, a nested one inside
// SeparateDatabaseAndState). Known before the backward run from the operations,
// and confirmed by it. If the deploy goes wrong there is no `migrate app previous`.
// Silence: add the reverse (RunPython.noop if there is truly nothing to undo), or
// accept it with --allow-irreversible app.migration.
import { nodeMap } from '../django/introspection.js';
import { defineCheck, type Draft } from './facts.js';

export const irreversible = defineCheck({
  codes: ['IRREVERSIBLE'],
  needs: 'static',
  phase: 'backward',
  allows: 'irreversible',
  inspect({ intro, migrations }) {
    const out: Draft<'IRREVERSIBLE'>[] = [];
    const nodes = nodeMap(intro);
    for (const m of migrations) {
      const node = nodes.get(`${m.app}.${m.migration}`);
      const ops = (node?.operations ?? []).filter((o) => !o.reversible).map((o) => o.describe);
      const confirmed = m.backward.status === 'irreversible';
      if (ops.length === 0 && !confirmed) continue;
      out.push({
        code: 'IRREVERSIBLE',
        severity: 'error',
        app: m.app,
        migration: m.migration,
        message:
          `${m.app}.${m.migration} cannot be reversed` +
          (ops.length ? `: ${ops.join('; ')}` : '') +
          (confirmed ? ' (confirmed: Django refused to unapply it)' : ''),
        hint: `give it a reverse (reverse_code, or RunPython.noop if nothing needs undoing), or pass --allow-irreversible ${m.app}.${m.migration}`,
        details: { operations: ops, confirmedByRun: confirmed },
      });
    }
    return out;
  },
});
