import { describe, expect, it } from 'vitest';
import { intro, record, runFacts } from '../../test/helpers/facts.js';
import { rollbackFailed } from './rollback-failed.js';

describe('ROLLBACK_FAILED', () => {
  it('names a reverse that raised', () => {
    const error = { type: 'ProgrammingError', message: 'relation "shop_audit_log" does not exist', sqlstate: '42P01' };
    const f = rollbackFailed.inspect(runFacts({ migrations: [record('shop', '0003_x', { backward: { status: 'failed', ms: 2, error } })] }));
    expect(f).toEqual([expect.objectContaining({ code: 'ROLLBACK_FAILED', severity: 'error', app: 'shop', migration: '0003_x' })]);
    expect(f[0]!.message).toContain('shop_audit_log');
  });

  it('names history rows a complete rollback left wrong', () => {
    const f = rollbackFailed.inspect(runFacts({
      intro: intro({ appliedRows: [['shop', '0001_initial']] }),
      appliedAfterBackward: [['shop', '0001_initial'], ['shop', '0002_extra']],
    }));
    expect(f).toEqual([expect.objectContaining({ code: 'ROLLBACK_FAILED', app: 'shop', migration: '0002_extra', details: { extra: ['shop.0002_extra'] } })]);
  });

  it('a squash\'s row is bookkeeping: it stands for the originals it replaces', () => {
    const f = rollbackFailed.inspect(runFacts({
      intro: intro({
        appliedRows: [['shop', '0001_initial'], ['shop', '0002_a']],
        squashes: [{ app: 'shop', name: '0001_squashed_0002', replaces: [['shop', '0001_initial'], ['shop', '0002_a']] }],
      }),
      appliedAfterBackward: [['shop', '0001_initial'], ['shop', '0001_squashed_0002'], ['shop', '0002_a']],
    }));
    expect(f).toEqual([]);
  });

  it('says nothing when the rollback reverted everything and the history is the snapshot\'s', () => {
    expect(rollbackFailed.inspect(runFacts({
      migrations: [record('shop', '0003_x')],
      intro: intro({ appliedRows: [['shop', '0001_initial']] }),
      appliedAfterBackward: [['shop', '0001_initial']],
    }))).toEqual([]);
  });
});
