import { describe, expect, it } from 'vitest';
import { runFacts } from '../../test/helpers/facts.js';
import { invariantFailed } from './invariant-failed.js';

describe('INVARIANT_FAILED', () => {
  it('an invariant that held on the snapshot and breaks after a step is an error', () => {
    const f = invariantFailed.inspect(runFacts({ invariants: [
      { name: 'orders have customers', when: 'snapshot', holds: true, saw: 'returned 0' },
      { name: 'orders have customers', when: 'forward', holds: false, saw: 'returned 40' },
    ] }));
    expect(f).toEqual([expect.objectContaining({ code: 'INVARIANT_FAILED', severity: 'error', details: { invariant: 'orders have customers', when: 'forward' } })]);
    expect(f[0]!.message).toContain('returned 40');
  });

  it('one already false on the snapshot is a warning, and not blamed on the steps', () => {
    const f = invariantFailed.inspect(runFacts({ invariants: [
      { name: 'x', when: 'snapshot', holds: false, saw: 'returned 1' },
      { name: 'x', when: 'forward', holds: false, saw: 'returned 1' },
    ] }));
    expect(f.map((x) => [x.severity, x.details?.when])).toEqual([['warning', 'snapshot']]);
  });

  it('says nothing when every invariant holds', () => {
    expect(invariantFailed.inspect(runFacts({ invariants: [{ name: 'x', when: 'snapshot', holds: true, saw: 'returned 0' }] }))).toEqual([]);
  });
});

describe('INVARIANT_FAILED at an expect step', () => {
  it('an expected invariant that does not hold is an error, whatever the snapshot said', () => {
    const f = invariantFailed.inspect(runFacts({ invariants: [
      { name: 'backfilled', when: 'expect #5', holds: false, saw: 'returned 350', expected: true },
    ] }));
    expect(f).toEqual([expect.objectContaining({ code: 'INVARIANT_FAILED', severity: 'error', details: { invariant: 'backfilled', when: 'expect #5' } })]);
    expect(f[0]!.message).toContain('returned 350');
  });
});
