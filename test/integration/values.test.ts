// Values compared as values, across types, on a real PostgreSQL: the canonical
// hashes of observe/data/values.ts must agree where a move keeps a value and
// disagree where a type change alters it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup } from '../../src/cleanup.js';
import { JSON_OR_NULL, hashIn, sharedDomain, valueType } from '../../src/observe/data/values.js';
import { LocalSandbox } from '../../src/sandbox/local/cluster.js';

const cleanup = new Cleanup();
let client: pg.Client;
beforeAll(async () => {
  const box = await LocalSandbox.start(cleanup);
  client = new pg.Client(box.conn('postgres'));
  await client.connect();
  await client.query("SET TimeZone = 'UTC'");
  await client.query(JSON_OR_NULL);
});
afterAll(async () => {
  await client?.end();
  await cleanup.drain();
});

/** Whether `a` (of type `ta`) and `b` (of type `tb`) are the same value, compared where their types meet. */
async function same(a: string, ta: string, b: string, tb: string): Promise<boolean> {
  const [va, vb] = [valueType(ta), valueType(tb)];
  const d = sharedDomain(va, vb);
  const r = await client.query(`SELECT coalesce(${hashIn(d, `(${a})::${ta}`, va)} = ${hashIn(d, `(${b})::${tb}`, vb)}, false) AS eq`);
  return r.rows[0].eq as boolean;
}

describe('values across types', () => {
  it.each([
    ["'é+1-555'", 'text', "convert_to('é+1-555', 'UTF8')", 'bytea'],
    ["'abc'", 'varchar', "'abc'", 'text'],
    ['42', 'int4', '42', 'int8'],
    ['42', 'int8', '42.00', 'numeric'],
    ['-7', 'int2', '-7.000', 'numeric'],
    ['3', 'int4', '3.0', 'float8'],
    ["'\\x00ff'", 'bytea', "'\\x00ff'", 'bytea'],
    ["'6f1c8a43-1b2c-4d5e-8f90-123456789abc'", 'uuid', "'6f1c8a43-1b2c-4d5e-8f90-123456789abc'", 'text'],
    ['1.50', 'numeric', '1.5', 'numeric'],
    [`'{"b": 1,  "a": [1, 2]}'`, 'text', `'{"a":[1,2],"b":1}'`, 'jsonb'],
    [`'{"b": 1, "a": 2}'`, 'json', `'{"a": 2, "b": 1}'`, 'jsonb'],
    ["'2024-03-01 10:30:00'", 'timestamp', "'2024-03-01 10:30:00+00'", 'timestamptz'],
    ["'2024-03-01 00:00:00+00'", 'timestamptz', "'2024-03-01'", 'date'],
  ])('%s::%s is %s::%s', async (a, ta, b, tb) => {
    expect(await same(a, ta, b, tb)).toBe(true);
  });

  it.each([
    ['1.55', 'numeric', 'round(1.55, 1)', 'numeric'],
    ["'abcdef'", 'text', "left('abcdef', 3)", 'varchar'],
    ["'2024-03-01 10:30:00+00'", 'timestamptz', "'2024-03-01'", 'date'],
    ['true', 'bool', 'false', 'bool'],
    ['-7', 'int4', '7', 'int8'],
    ["'\\x00ff'", 'bytea', "'\\x00fe'", 'bytea'],
    ["'abc'", 'text', "convert_to('abd', 'UTF8')", 'bytea'],
    ["'not json'", 'text', `'"not json"'`, 'jsonb'],
  ])('%s::%s is not %s::%s', async (a, ta, b, tb) => {
    expect(await same(a, ta, b, tb)).toBe(false);
  });
});
