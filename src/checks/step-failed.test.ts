import { describe, expect, it } from 'vitest';
import { runFacts } from '../../test/helpers/facts.js';
import { stepFailed } from './step-failed.js';

describe('STEP_FAILED', () => {
  it('a management command that raised is an error that names the step and the error type', () => {
    const f = stepFailed.inspect(runFacts({ playbookSteps: [
      { step: 'manage.py backfill_phones', ok: false, error: { type: 'CommandError', message: 'no such column: phone_e164' } },
    ] }));
    expect(f).toEqual([expect.objectContaining({ code: 'STEP_FAILED', severity: 'error', details: { step: 'manage.py backfill_phones', errorType: 'CommandError' } })]);
    expect(f[0]!.message).toContain('no such column');
  });

  it('a checkpoint that did not hold is left to INVARIANT_FAILED, and steps that ran say nothing', () => {
    expect(stepFailed.inspect(runFacts({ playbookSteps: [
      { step: 'expect #5', ok: false },
      { step: 'manage.py backfill_phones', ok: true },
    ] }))).toEqual([]);
  });
});
