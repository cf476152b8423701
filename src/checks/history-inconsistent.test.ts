import { describe, expect, it } from 'vitest';
import { intro, staticFacts } from '../../test/helpers/facts.js';
import { historyInconsistent } from './history-inconsistent.js';

describe('HISTORY_INCONSISTENT', () => {
  it('names the migration applied before its dependency, and the dependency', () => {
    const f = historyInconsistent.inspect(staticFacts({ intro: intro({
      inconsistent: [{ app: 'shop', name: '0004_b', parentApp: 'shop', parentName: '0003_a' }],
    }) }));
    expect(f).toEqual([expect.objectContaining({
      code: 'HISTORY_INCONSISTENT', severity: 'error', app: 'shop', migration: '0004_b',
      details: { dependency: { app: 'shop', migration: '0003_a' } },
    })]);
  });

  it('says nothing about a consistent history', () => {
    expect(historyInconsistent.inspect(staticFacts())).toEqual([]);
  });
});
