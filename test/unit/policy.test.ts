import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../../src/policy.js';
import type { Draft } from '../../src/checks/facts.js';

const d = (over: Partial<Draft>): Draft => ({ code: 'DATA_LOSS_COLUMN', severity: 'error', message: 'm', ...over }) as Draft;

describe('policy', () => {
  const policy = { allowLoss: ['crm_customer.phone', 'legacy_log'], allowIrreversible: ['blog.0009_purge'] };
  it('allows exactly the named column, any column of a named table, and the named irreversible migration', () => {
    const out = applyPolicy(
      [
        d({ table: 'crm_customer', column: 'phone' }),
        d({ table: 'crm_customer', column: 'email' }),
        d({ code: 'DATA_LOSS_ROWS', table: 'legacy_log' }),
        d({ code: 'ROLLBACK_DATA_LOSS', table: 'crm_customer', column: 'phone' }),
        d({ code: 'IRREVERSIBLE', app: 'blog', migration: '0009_purge' }),
        d({ code: 'IRREVERSIBLE', app: 'blog', migration: '0010_other' }),
        d({ code: 'MIGRATION_FAILED', table: 'legacy_log' }),
      ],
      policy,
    );
    expect(out.map((f) => f.allowed)).toEqual([true, false, true, true, true, false, false]);
  });
});
