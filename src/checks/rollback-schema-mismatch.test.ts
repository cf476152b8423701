import { describe, expect, it } from 'vitest';
import { fp, record, runFacts } from '../../test/helpers/facts.js';
import { rollbackSchemaMismatch } from './rollback-schema-mismatch.js';

const before = fp(['table public.c', 'column public.c.email text'], { 'public.c': ['id', 'email', 'city'] });

describe('ROLLBACK_SCHEMA_MISMATCH', () => {
  it('an index the reverse left behind is an error, with a diff, on the migration that left it', () => {
    const after = fp([...before.lines, 'index public.c c_email_lower: CREATE INDEX c_email_lower ON public.c (lower(email))'], before.columnOrder);
    const f = rollbackSchemaMismatch.inspect(runFacts({
      migrations: [record('shop', '0003_x')],
      schema: { baseline: before, forward: [after], backward: [after] },
    }));
    expect(f).toEqual([expect.objectContaining({ code: 'ROLLBACK_SCHEMA_MISMATCH', severity: 'error', app: 'shop', migration: '0003_x' })]);
    expect(f[0]!.message).toContain('c_email_lower');
    expect(f[0]!.patch?.text).toMatch(/^\+index public\.c c_email_lower/m);
  });

  it('a column back at the end of its table is only a warning', () => {
    const moved = fp(before.lines, { 'public.c': ['id', 'city', 'email'] });
    const f = rollbackSchemaMismatch.inspect(runFacts({
      migrations: [record('shop', '0003_x')],
      schema: { baseline: before, forward: [fp(['table public.c'])], backward: [moved] },
    }));
    expect(f).toEqual([expect.objectContaining({ code: 'ROLLBACK_SCHEMA_MISMATCH', severity: 'warning', table: 'c' })]);
  });

  it('says nothing when the reverse restores the schema', () => {
    expect(rollbackSchemaMismatch.inspect(runFacts({
      migrations: [record('shop', '0003_x')],
      schema: { baseline: before, forward: [fp(['table public.c'])], backward: [before] },
    }))).toEqual([]);
  });
});
