import { describe, expect, it } from 'vitest';
import { data, loss, record, runFacts } from '../../test/helpers/facts.js';
import { dataMoved } from './data-moved.js';

const migrations = [record('accounts', '0004_archive_inactive')];

describe('DATA_MOVED', () => {
  it('info: how many rows moved, from where to where', () => {
    const f = dataMoved.inspect(runFacts({ migrations, data: data({ forward: [
      loss({ kind: 'moved', table: 'accounts_user', lost: 40, to: ['accounts_userarchive'] }),
    ] }) }));
    expect(f).toEqual([expect.objectContaining({
      code: 'DATA_MOVED', severity: 'info', migration: '0004_archive_inactive', table: 'accounts_user', lost: 40,
      details: { moved: 40, to: ['accounts_userarchive'] },
    })]);
  });

  it('says nothing when nothing moved', () => {
    expect(dataMoved.inspect(runFacts({ migrations, data: data({ forward: [loss({ kind: 'rows', table: 't', lost: 3 })] }) }))).toEqual([]);
  });
});
