import { describe, expect, it } from 'vitest';
import { intro, staticFacts } from '../../test/helpers/facts.js';
import { brokenGraph } from './broken-graph.js';

describe('HISTORY_BROKEN_GRAPH', () => {
  it('names the migration and the missing dependency', () => {
    const f = brokenGraph.inspect(staticFacts({ intro: intro({
      brokenGraph: { app: 'shop', name: '0004_results', missingApp: 'shop', missingName: '0003_gone' },
    }) }));
    expect(f).toEqual([expect.objectContaining({
      code: 'HISTORY_BROKEN_GRAPH', severity: 'error', app: 'shop', migration: '0004_results',
      details: { missing: { app: 'shop', migration: '0003_gone' } },
    })]);
    expect(f[0]!.message).toContain('shop.0003_gone');
  });

  it('says nothing when the graph loads', () => {
    expect(brokenGraph.inspect(staticFacts())).toEqual([]);
  });
});
