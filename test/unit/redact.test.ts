import { describe, expect, it } from 'vitest';
import { identifiersIn, redact, redactError } from '../../src/report/redact.js';

const ids = identifiersIn(['column public.shop_customer.phone character varying(30)']);
const r = { identifiers: ids, strict: false };

describe('redaction keeps names and drops values', () => {
  it('keeps known identifiers', () => {
    expect(redact('column "phone" of relation "shop_customer" contains null values', ids)).toBe(
      'column "phone" of relation "shop_customer" contains null values',
    );
  });
  it('drops quoted values', () => {
    expect(redact('invalid input syntax for type integer: "alice@example.com"', ids)).toBe(
      'invalid input syntax for type integer: "…"',
    );
    expect(redact("ValueError: bad email 'bob@example.com' for phone", ids)).toBe("ValueError: bad email '…' for phone");
  });
  it('trusts PostgreSQL messages outside the data-exception class', () => {
    expect(redactError({ message: 'table "shop_audit_log" does not exist', sqlstate: '42P01' }, r)).toContain('shop_audit_log');
    expect(redactError({ message: 'invalid input syntax for type integer: "x1"', sqlstate: '22P02' }, r)).toContain('"…"');
    expect(redactError({ message: "no such user 'carol'" }, r)).toBe("no such user '…'");
  });
  it('keeps a Python message\'s own words by default; --redact strict keeps only the type, sqlstate and identifiers', () => {
    const err = { type: 'ValueError', message: 'customer carol@example.com has no "phone"' };
    expect(redactError(err, r)).toBe('customer carol@example.com has no "phone"');
    expect(redactError(err, { ...r, strict: true })).toBe('ValueError on phone');
    expect(redactError({ type: 'IntegrityError', sqlstate: '23505', message: 'duplicate key value violates unique constraint "shop_customer_pkey"' }, { ...r, strict: true }))
      .toBe('IntegrityError (SQLSTATE 23505)');
  });
});
