import { describe, expect, it } from 'vitest';
import { record, runFacts } from '../../test/helpers/facts.js';
import { migrationSlow } from './migration-slow.js';

const slow = [record('shop', '0003_backfill', { forward: { status: 'applied', ms: 240_000 } })];

describe('MIGRATION_SLOW', () => {
  it('over the budget the user set is an error; without one, over three minutes is a warning', () => {
    expect(migrationSlow.inspect(runFacts({ migrations: slow, budgets: { maxLockMs: 2000, maxDurationMs: 60_000 } }))
      .map((f) => [f.severity, f.migration, f.details?.direction])).toEqual([['error', '0003_backfill', 'forward']]);
    expect(migrationSlow.inspect(runFacts({ migrations: slow })).map((f) => f.severity)).toEqual(['warning']);
  });

  it('says nothing of a migration within the budget', () => {
    expect(migrationSlow.inspect(runFacts({ migrations: [record('shop', '0003_x')] }))).toEqual([]);
  });
});
