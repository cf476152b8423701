import { describe, expect, it } from 'vitest';
import { data, loss, record, runFacts } from '../../test/helpers/facts.js';
import { rollbackDataLoss } from './rollback-data-loss.js';

const migrations = [record('shop', '0003_dedupe'), record('shop', '0004_remove_phone')];

describe('ROLLBACK_DATA_LOSS', () => {
  it('rows and values the rollback did not bring back, each on its migration', () => {
    const f = rollbackDataLoss.inspect(runFacts({ migrations, data: data({ rollback: [
      loss({ kind: 'rows', step: 0, table: 'shop_customer', before: 530, after: 500, lost: 30 }),
      loss({ kind: 'column', step: 1, table: 'shop_customer', column: 'phone', before: 450, after: 0, lost: 450 }),
    ] }) }));
    expect(f.map((x) => [x.code, x.migration, x.table, x.column, x.lost])).toEqual([
      ['ROLLBACK_DATA_LOSS', '0003_dedupe', 'shop_customer', undefined, 30],
      ['ROLLBACK_DATA_LOSS', '0004_remove_phone', 'shop_customer', 'phone', 450],
    ]);
    expect(f[0]!.message).toMatch(/has 500 of the snapshot's 530 rows/);
  });

  it('says nothing when the rollback restored everything', () => {
    expect(rollbackDataLoss.inspect(runFacts({ migrations }))).toEqual([]);
  });
});
