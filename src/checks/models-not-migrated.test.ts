import { describe, expect, it } from 'vitest';
import { fp, runFacts } from '../../test/helpers/facts.js';
import { modelsNotMigrated } from './models-not-migrated.js';

const schema = (afterForward: Record<string, string[]>) => ({ baseline: fp([]), forward: [], backward: [], afterForward });

describe('MODELS_NOT_MIGRATED', () => {
  it('names a missing table and a missing column', () => {
    const f = modelsNotMigrated.inspect(runFacts({
      models: [
        { app: 'shop', model: 'Customer', table: 'shop_customer', columns: ['id', 'name', 'tier'] },
        { app: 'shop', model: 'Coupon', table: 'shop_coupon', columns: ['id', 'code'] },
      ],
      schema: schema({ 'public.shop_customer': ['id', 'name'] }),
    }));
    expect(f.map((x) => [x.code, x.app, x.table, x.column, x.details?.missing])).toEqual([
      ['MODELS_NOT_MIGRATED', 'shop', 'shop_customer', 'tier', 'column'],
      ['MODELS_NOT_MIGRATED', 'shop', 'shop_coupon', undefined, 'table'],
    ]);
  });

  it('says nothing when the database has what the models need, or when the forward run did not complete', () => {
    const models = [{ app: 'shop', model: 'Customer', table: 'shop_customer', columns: ['id', 'name'] }];
    expect(modelsNotMigrated.inspect(runFacts({ models, schema: schema({ 'public.shop_customer': ['id', 'name', 'extra'] }) }))).toEqual([]);
    expect(modelsNotMigrated.inspect(runFacts({ models }))).toEqual([]);
  });
});
