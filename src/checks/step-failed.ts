// STEP_FAILED: a playbook step that is not a migration (a management command,
// SQL) raised. A runbook that cannot run its backfill, or whose check query
// fails, cannot vouch for what follows. The message carries the error
// (values redacted). Silence: fix the command or the SQL in the playbook.
import { redactError } from '../report/redact.js';
import { defineCheck } from './facts.js';

export const stepFailed = defineCheck({
  codes: ['STEP_FAILED'],
  needs: 'run',
  phase: 'forward',
  inspect({ playbookSteps, redaction }) {
    // A checkpoint or expectation that does not hold is INVARIANT_FAILED's to tell; it carries no error.
    return (playbookSteps ?? []).filter((s) => !s.ok && s.error).map((s) => ({
      code: 'STEP_FAILED',
      severity: 'error',
      message: `playbook step ${s.step} failed: ${redactError(s.error!, redaction)}`,
      hint: 'fix the command or the SQL in the playbook, and run it on the kept sandbox (--keep) first',
      details: { step: s.step, errorType: s.error!.type },
    }));
  },
});
