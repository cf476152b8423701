import { describe, expect, it } from 'vitest';
import { intro, record, staticFacts } from '../../test/helpers/facts.js';
import { irreversible } from './irreversible.js';

const node = (reversible: boolean) => ({
  app: 'shop', name: '0003_x', parents: [], replaces: [],
  operations: [{ kind: 'RunPython', describe: 'Raw Python operation', reversible }],
});

describe('IRREVERSIBLE', () => {
  it('knows it from the operations, before anything runs', () => {
    const f = irreversible.inspect(staticFacts({ intro: intro({ nodes: [node(false)] }), migrations: [record('shop', '0003_x', { backward: { status: 'not-run' } })] }));
    expect(f).toEqual([expect.objectContaining({ code: 'IRREVERSIBLE', severity: 'error', app: 'shop', migration: '0003_x',
      details: { operations: ['Raw Python operation'], confirmedByRun: false } })]);
  });

  it('takes the run\'s word when Django refused to unapply it', () => {
    const f = irreversible.inspect(staticFacts({ intro: intro({ nodes: [node(true)] }), migrations: [record('shop', '0003_x', { backward: { status: 'irreversible' } })] }));
    expect(f[0]).toMatchObject({ code: 'IRREVERSIBLE', details: { operations: [], confirmedByRun: true } });
  });

  it('says nothing about a reversible migration', () => {
    expect(irreversible.inspect(staticFacts({ intro: intro({ nodes: [node(true)] }), migrations: [record('shop', '0003_x')] }))).toEqual([]);
  });
});
