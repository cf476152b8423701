import { describe, expect, it } from 'vitest';
import { data, loss, record, runFacts } from '../../test/helpers/facts.js';
import { dataLossTable } from './data-loss-table.js';

const migrations = [record('shop', '0003_delete_order')];

describe('DATA_LOSS_TABLE', () => {
  it('a dropped table that held rows, with its count and migration', () => {
    const f = dataLossTable.inspect(runFacts({ migrations, data: data({ forward: [loss({ kind: 'table', table: 'shop_order', lost: 2000 })] }) }));
    expect(f).toEqual([expect.objectContaining({ code: 'DATA_LOSS_TABLE', severity: 'error', app: 'shop', migration: '0003_delete_order', table: 'shop_order', lost: 2000 })]);
  });

  it('ignores row and column losses, and says nothing without a loss', () => {
    expect(dataLossTable.inspect(runFacts({ migrations, data: data({ forward: [loss({ kind: 'rows', table: 't', lost: 3 })] }) }))).toEqual([]);
    expect(dataLossTable.inspect(runFacts({ migrations }))).toEqual([]);
  });
});
