import { describe, expect, it } from 'vitest';
import { data, loss, record, runFacts } from '../../test/helpers/facts.js';
import { dataLossColumn } from './data-loss-column.js';

const migrations = [record('shop', '0003_remove_customer_phone')];

describe('DATA_LOSS_COLUMN', () => {
  it('the values a step lost, with the column\'s non-null count before', () => {
    const f = dataLossColumn.inspect(runFacts({ migrations, data: data({ forward: [
      loss({ kind: 'column', table: 'shop_customer', column: 'phone', before: 450, lost: 450 }),
    ] }) }));
    expect(f).toEqual([expect.objectContaining({
      code: 'DATA_LOSS_COLUMN', severity: 'error', app: 'shop', migration: '0003_remove_customer_phone',
      table: 'shop_customer', column: 'phone', lost: 450, details: { nonNullBefore: 450 },
    })]);
  });

  it('not Django renaming its own content types, and nothing without a loss', () => {
    expect(dataLossColumn.inspect(runFacts({ migrations, data: data({ forward: [
      loss({ kind: 'column', table: 'django_content_type', column: 'model', lost: 1 }),
    ] }) }))).toEqual([]);
    expect(dataLossColumn.inspect(runFacts({ migrations }))).toEqual([]);
  });
});
