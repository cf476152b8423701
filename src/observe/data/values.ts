// Values compared as values, across types. Every value is reduced to a 64-bit
// hash of a canonical form, chosen by the type's family, so that a move into
// another type keeps its identity and a rewrite by a type change does not:
//   - str  (text, varchar, char, citext, name): its text;
//   - bytes (bytea): the MD5 of its bytes; text met by bytea is compared there
//          too, by the MD5 of its UTF-8 bytes, so text and its UTF-8 bytea are
//          the same value. Only there: MD5 costs about 1 µs a value, five times
//          the rest of a comparison, and the str domain needs none;
//   - num  (int2/4/8, numeric, float): the number's shortest decimal text (an
//          integer's own text, a numeric with trailing zeros trimmed), so 42,
//          42::bigint and 42.00 are one value, and 1.55 rounded to 1.6 is not;
//   - json (json, jsonb): its jsonb form, so key order and spacing do not matter;
//   - time (timestamp, timestamptz, date): the epoch, so a timestamp converted to
//          timestamptz (in UTC, as Django's connection is) is the same instant,
//          and one cast to date is not;
//   - other types compare with their own type only.
// Two columns of different families compare in a shared domain: text and json
// as JSON (text that is not JSON matches nothing), bytea and anything by the
// MD5 of its bytes or text, anything else by text form.
// Only hashes and counts leave the database; never a value.
import { ident } from '../../db.js';

export type Family = 'str' | 'bytes' | 'num' | 'json' | 'time' | 'other';
export type Domain = Family;

const FAMILIES: Record<string, Family> = {
  text: 'str', varchar: 'str', bpchar: 'str', name: 'str', citext: 'str', bytea: 'bytes',
  int2: 'num', int4: 'num', int8: 'num', numeric: 'num', float4: 'num', float8: 'num',
  json: 'json', jsonb: 'json',
  timestamp: 'time', timestamptz: 'time', date: 'time',
};

/** A column's value type: its base type name (domains resolved) and family. */
export interface ValueType {
  base: string;
  family: Family;
}

export function valueType(base: string): ValueType {
  return { base, family: FAMILIES[base] ?? 'other' };
}

/** The family's own domain. */
export function canonical(t: ValueType): Domain {
  return t.family;
}

/** Where a value of type `a` and one of type `b` can be compared. */
export function sharedDomain(a: ValueType, b: ValueType): Domain {
  if (a.family === b.family && (a.family !== 'other' || a.base === b.base)) return a.family;
  const pair = new Set([a.family, b.family]);
  if (pair.has('bytes')) return 'bytes';
  if (pair.has('json') && pair.has('str')) return 'json';
  return 'str';
}

/**
 * A temp function of the observer's session: text as JSON (its jsonb form), or
 * NULL when the text is not JSON. Only ever called where a text column meets a
 * json one.
 */
export const JSON_OR_NULL = `CREATE OR REPLACE FUNCTION pg_temp.rehearse_json(t text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN t::jsonb::text; EXCEPTION WHEN others THEN RETURN NULL; END $$`;

const h = (text: string) => `hashtextextended(${text}, 0)`;
const INTEGERS = new Set(['int2', 'int4', 'int8']);

/** The SQL hash of `expr` (a value of type `t`) in `domain`. NULL stays NULL. */
export function hashIn(domain: Domain, expr: string, t: ValueType): string {
  switch (domain) {
    case 'str':
      return h(`(${expr})::text`);
    case 'bytes':
      return h(`md5(${t.base === 'bytea' ? expr : `(${expr})::text`})`);
    case 'num':
      // An integer's text is already what trim_scale gives its numeric, at a fraction of the cost.
      return h(INTEGERS.has(t.base) ? `(${expr})::text` : `trim_scale((${expr})::numeric)::text`);
    case 'json':
      return h(t.family === 'json' ? `(${expr})::jsonb::text` : `pg_temp.rehearse_json((${expr})::text)`);
    case 'time':
      return h(`trim_scale(extract(epoch from ${expr}))::text`);
    default:
      return h(`(${expr})::text`);
  }
}

/** The hash of a column of alias `alias` in `domain`. */
export function columnHash(domain: Domain, alias: string, column: { name: string; value: ValueType }): string {
  return hashIn(domain, `${alias}.${ident(column.name)}`, column.value);
}
