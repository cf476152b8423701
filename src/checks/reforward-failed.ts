// REFORWARD_FAILED: applying the migrations again after the rollback failed, or
// ended in another schema than the first forward run. That is the "deploy, roll
// back, deploy the fix" path every incident takes; if it breaks, the second deploy
// fails in production. Silence: make the reverse leave the database in a state
// the forward can run on again.
import { defineCheck, type Draft } from './facts.js';
import { patchOf, schemaDiff, summarize } from './schema-steps.js';
import { stepFailures } from './step-failures.js';

export const reforwardFailed = defineCheck({
  codes: ['REFORWARD_FAILED'],
  needs: 'run',
  phase: 'reforward',
  inspect({ migrations, schema, redaction }) {
    const out: Draft<'REFORWARD_FAILED'>[] = stepFailures(migrations, 'reforward', 'REFORWARD_FAILED', redaction, (name, why, err) => ({
      message: `applying ${name} again after the rollback failed: ${why}`,
      hint: 'its reverse leaves something behind that the forward trips over (a table, column, index or row)',
      details: { errorType: err.type },
    }));
    const last = lastIndex(migrations.map((m) => m.reforward.status === 'applied'));
    const expected = last >= 0 ? schema.forward[last] : undefined;
    if (schema.reforward && expected) {
      // Same definitions under other names are not a different schema here.
      const mm = schemaDiff(expected, schema.reforward);
      if (mm.removed.length || mm.added.length) {
        out.push({
          code: 'REFORWARD_FAILED',
          severity: 'error',
          message:
            'applying the migrations again after the rollback ended in another schema' +
            (mm.removed.length ? `; missing: ${summarize(mm.removed)}` : '') +
            (mm.added.length ? `; extra: ${summarize(mm.added)}` : ''),
          hint: 'a reverse leaves state that changes what the forward builds; see the attached diff',
          details: { missing: mm.removed, extra: mm.added },
          patch: { name: 'reforward.diff', text: patchOf(expected, schema.reforward, ['after forward', 'after reforward']) },
        });
      }
    }
    return out;
  },
});

function lastIndex(flags: boolean[]): number {
  for (let i = flags.length - 1; i >= 0; i--) if (flags[i]) return i;
  return -1;
}
