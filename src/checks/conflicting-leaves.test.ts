import { describe, expect, it } from 'vitest';
import { intro, staticFacts } from '../../test/helpers/facts.js';
import { conflictingLeaves } from './conflicting-leaves.js';

describe('CONFLICTING_LEAVES', () => {
  it('one finding per app, naming every leaf', () => {
    const f = conflictingLeaves.inspect(staticFacts({ intro: intro({ conflicts: { shop: ['0003_a', '0003_b'] } }) }));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ code: 'CONFLICTING_LEAVES', severity: 'error', app: 'shop', details: { leaves: ['0003_a', '0003_b'] } });
    expect(f[0]!.message).toContain('0003_a, 0003_b');
  });

  it('says nothing when every app has one leaf', () => {
    expect(conflictingLeaves.inspect(staticFacts())).toEqual([]);
  });
});
