import { describe, expect, it } from 'vitest';
import { record, runFacts } from '../../test/helpers/facts.js';
import { migrationFailed } from './migration-failed.js';

describe('MIGRATION_FAILED', () => {
  it('carries the database error, its table and column, and a hint for its sqlstate', () => {
    const error = { type: 'django.db.utils.IntegrityError', message: 'column "phone" of relation "shop_customer" contains null values', sqlstate: '23502', table: 'shop_customer', column: 'phone' };
    const f = migrationFailed.inspect(runFacts({
      migrations: [record('shop', '0003_x', { forward: { status: 'failed', ms: 3, error } })],
      redaction: { identifiers: new Set(['phone', 'shop_customer']), strict: false },
    }));
    expect(f).toEqual([expect.objectContaining({ code: 'MIGRATION_FAILED', severity: 'error', app: 'shop', migration: '0003_x', table: 'shop_customer', column: 'phone' })]);
    expect(f[0]!.message).toContain('contains null values');
    expect(f[0]!.hint).toMatch(/backfill/);
  });

  it('redacts a quoted value in a data error', () => {
    const error = { type: 'DataError', message: 'invalid input syntax for type integer: "secret-42"', sqlstate: '22P02' };
    const f = migrationFailed.inspect(runFacts({ migrations: [record('shop', '0003_x', { forward: { status: 'failed', ms: 3, error } })] }));
    expect(f[0]!.message).not.toContain('secret-42');
  });

  it('says nothing when every migration applied', () => {
    expect(migrationFailed.inspect(runFacts({ migrations: [record('shop', '0003_x')] }))).toEqual([]);
  });
});
