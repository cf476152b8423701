import { describe, expect, it } from 'vitest';
import { fp, record, runFacts } from '../../test/helpers/facts.js';
import { reforwardFailed } from './reforward-failed.js';

describe('REFORWARD_FAILED', () => {
  it('names a migration that fails the second time', () => {
    const error = { type: 'ProgrammingError', message: 'relation "shop_customer_email_lower" already exists', sqlstate: '42P07' };
    const f = reforwardFailed.inspect(runFacts({ migrations: [record('shop', '0003_x', { reforward: { status: 'failed', ms: 2, error } })] }));
    expect(f).toEqual([expect.objectContaining({ code: 'REFORWARD_FAILED', severity: 'error', app: 'shop', migration: '0003_x' })]);
  });

  it('reports a reforward that ends in another schema, with a diff', () => {
    const f = reforwardFailed.inspect(runFacts({
      migrations: [record('shop', '0003_x')],
      schema: { baseline: fp(['table public.t']), forward: [fp(['table public.t', 'column public.t.flags integer'])], backward: [], reforward: fp(['table public.t', 'column public.t.flags bigint']) },
    }));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ code: 'REFORWARD_FAILED', patch: { name: 'reforward.diff' } });
    expect(f[0]!.message).toMatch(/ended in another schema.*flags integer.*flags bigint/);
  });

  it('says nothing when the reforward ends where the forward did', () => {
    const same = fp(['table public.t', 'column public.t.flags integer']);
    expect(reforwardFailed.inspect(runFacts({
      migrations: [record('shop', '0003_x')],
      schema: { baseline: fp(['table public.t']), forward: [same], backward: [], reforward: same },
    }))).toEqual([]);
  });
});
