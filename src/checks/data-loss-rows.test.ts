import { describe, expect, it } from 'vitest';
import { data, loss, record, runFacts } from '../../test/helpers/facts.js';
import { dataLossRows } from './data-loss-rows.js';

const migrations = [record('shop', '0003_other'), record('shop', '0004_purge')];

describe('DATA_LOSS_ROWS', () => {
  it('one finding per table with its exact count; a step that emptied several points at ON DELETE CASCADE', () => {
    const f = dataLossRows.inspect(runFacts({ migrations, data: data({ forward: [
      loss({ kind: 'rows', step: 1, table: 'shop_customer', before: 500, after: 490, lost: 10 }),
      loss({ kind: 'rows', step: 1, table: 'shop_order', before: 2000, after: 1960, lost: 40 }),
    ] }) }));
    expect(f.map((x) => [x.code, x.migration, x.table, x.lost])).toEqual([
      ['DATA_LOSS_ROWS', '0004_purge', 'shop_customer', 10],
      ['DATA_LOSS_ROWS', '0004_purge', 'shop_order', 40],
    ]);
    expect(f[0]!.message).toMatch(/1 other table in the same step: look for ON DELETE CASCADE/);
    expect(f[0]!.details).toMatchObject({ rowsBefore: 500, rowsAfter: 490, sameStep: ['shop_order'] });
  });

  it('says nothing without a row loss', () => {
    expect(dataLossRows.inspect(runFacts({ migrations }))).toEqual([]);
  });
});
