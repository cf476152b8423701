// INVARIANT_FAILED: a playbook's SQL invariant ("every order has a customer",
// "no published page without a slug") held on the snapshot and does not after a
// phase or at a checkpoint; or one an `expect` step requires does not hold there.
// One that is already false on the snapshot is a warning: the release did not
// break it. Silence: fix the migration, or the invariant.
import { redactError } from '../report/redact.js';
import { defineCheck, type Draft } from './facts.js';

export const invariantFailed = defineCheck({
  codes: ['INVARIANT_FAILED'],
  needs: 'run',
  phase: 'forward',
  inspect({ invariants, redaction }) {
    const out: Draft<'INVARIANT_FAILED'>[] = [];
    const brokenBefore = new Set(invariants.filter((r) => r.when === 'snapshot' && !r.holds).map((r) => r.name));
    for (const r of invariants) {
      if (r.holds) continue;
      const why = r.error ? `its query failed: ${redactError(r.error, redaction)}` : `it ${r.saw}`;
      if (r.when === 'snapshot') {
        out.push({
          code: 'INVARIANT_FAILED', severity: 'warning',
          message: `invariant "${r.name}" does not hold on the snapshot itself (${why}); it is not checked after the phases`,
          hint: 'fix the data or the invariant; the release is not to blame for this one',
          details: { invariant: r.name, when: r.when },
        });
      } else if (r.expected) {
        out.push({
          code: 'INVARIANT_FAILED', severity: 'error',
          message: `invariant "${r.name}" does not hold at ${r.when} of the playbook: ${why}`,
          hint: 'the playbook expects it here: find the step before it that breaks it (--keep, and run it on the sandbox)',
          details: { invariant: r.name, when: r.when },
        });
      } else if (!brokenBefore.has(r.name)) {
        out.push({
          code: 'INVARIANT_FAILED', severity: 'error',
          message: `invariant "${r.name}" held on the snapshot and does not after ${/^(forward|backward|reforward)$/.test(r.when) ? `the ${r.when} run` : `checkpoint ${r.when}`}: ${why}`,
          hint: 'find the migration that breaks it (run the invariant on the kept sandbox, --keep) and fix it',
          details: { invariant: r.name, when: r.when },
        });
      }
    }
    return out;
  },
});
