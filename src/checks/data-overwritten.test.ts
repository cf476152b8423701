import { describe, expect, it } from 'vitest';
import { data, loss, record, runFacts } from '../../test/helpers/facts.js';
import { dataOverwritten } from './data-overwritten.js';

const migrations = [record('accounts', '0003_lowercase_emails')];

describe('DATA_OVERWRITTEN', () => {
  it('a warning with the count and the migration, for values rewritten in place', () => {
    const f = dataOverwritten.inspect(runFacts({ migrations, data: data({ forward: [
      loss({ kind: 'overwritten', table: 'accounts_user', column: 'email', before: 900, after: 780, lost: 120 }),
    ] }) }));
    expect(f).toEqual([expect.objectContaining({
      code: 'DATA_OVERWRITTEN', severity: 'warning', app: 'accounts', migration: '0003_lowercase_emails', table: 'accounts_user', column: 'email', lost: 120,
    })]);
  });

  it('says nothing about a dropped column (that is DATA_LOSS_COLUMN), nor without a rewrite', () => {
    expect(dataOverwritten.inspect(runFacts({ migrations, data: data({ forward: [loss({ kind: 'column', table: 't', column: 'c', lost: 3 })] }) }))).toEqual([]);
    expect(dataOverwritten.inspect(runFacts({ migrations }))).toEqual([]);
  });
});
