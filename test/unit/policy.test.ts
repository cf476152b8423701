import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../../src/policy.js';
import type { Draft } from '../../src/checks/facts.js';

const d = (over: Partial<Draft>): Draft => ({ code: 'DATA_LOSS_COLUMN', severity: 'error', message: 'm', ...over }) as Draft;

describe('policy', () => {
  const policy = { allowLoss: ['crm_customer.phone', 'legacy_log'], allowIrreversible: ['blog.0009_purge'], allowOverwrite: [] };
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

describe('policy: schemas and overwrites', () => {
  const none = { allowLoss: [], allowIrreversible: [], allowOverwrite: [] };
  it('--allow-loss matches exactly, with public as the default schema', () => {
    const drafts = [
      d({ table: 'customer', column: 'phone' }),
      d({ schema: 'crm', table: 'customer', column: 'phone' }),
      d({ code: 'DATA_LOSS_ROWS', schema: 'crm', table: 'customer' }),
    ];
    const allowed = (spec: string) => applyPolicy(drafts, { ...none, allowLoss: [spec] }).map((f) => f.allowed);
    expect(allowed('customer.phone')).toEqual([true, false, false]);
    expect(allowed('crm.customer.phone')).toEqual([false, true, false]);
    expect(allowed('crm.customer')).toEqual([false, true, true]);
    expect(allowed('public.customer.phone')).toEqual([true, false, false]);
    expect(allowed('customer')).toEqual([true, false, false]);
  });

  it('--allow-overwrite silences DATA_OVERWRITTEN of that column only', () => {
    const out = applyPolicy(
      [d({ code: 'DATA_OVERWRITTEN', severity: 'warning', table: 'accounts_user', column: 'email' }),
        d({ code: 'DATA_OVERWRITTEN', severity: 'warning', table: 'accounts_user', column: 'name' }),
        d({ code: 'DATA_LOSS_COLUMN', table: 'accounts_user', column: 'email' })],
      { ...none, allowOverwrite: ['accounts_user.email'] },
    );
    expect(out.map((f) => f.allowed)).toEqual([true, false, false]);
  });
});
