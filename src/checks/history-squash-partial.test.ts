import { describe, expect, it } from 'vitest';
import { intro, staticFacts } from '../../test/helpers/facts.js';
import { historySquashPartial } from './history-squash-partial.js';

const squashes = [{ app: 'shop', name: '0001_squashed_0003', replaces: [['shop', '0001_initial'], ['shop', '0002_a'], ['shop', '0003_b']] as Array<[string, string]> }];

describe('HISTORY_SQUASH_PARTIAL', () => {
  it('names the squash, the originals production applied and those that are gone', () => {
    const f = historySquashPartial.inspect(staticFacts({ intro: intro({
      squashes, disk: [['shop', '0001_squashed_0003']], appliedRows: [['shop', '0001_initial']],
    }) }));
    expect(f).toEqual([expect.objectContaining({
      code: 'HISTORY_SQUASH_PARTIAL', severity: 'error', app: 'shop', migration: '0001_squashed_0003',
      details: { squash: 'shop.0001_squashed_0003', applied: ['shop.0001_initial'], missing: ['shop.0002_a', 'shop.0003_b'] },
    })]);
  });

  it('says nothing when production applied all or none, or the rest are still in the project', () => {
    const all = [['shop', '0001_initial'], ['shop', '0002_a'], ['shop', '0003_b']] as Array<[string, string]>;
    for (const appliedRows of [all, [] as Array<[string, string]>]) {
      expect(historySquashPartial.inspect(staticFacts({ intro: intro({ squashes, disk: [['shop', '0001_squashed_0003']], appliedRows }) }))).toEqual([]);
    }
    expect(historySquashPartial.inspect(staticFacts({ intro: intro({
      squashes, disk: [['shop', '0001_squashed_0003'], ...all], appliedRows: [['shop', '0001_initial']],
    }) }))).toEqual([]);
  });
});
