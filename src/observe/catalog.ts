// Tables and columns by identity, not by name: relations by OID, columns by
// attnum. A RenameModel keeps its OID and a RenameField its attnum, so a rename
// is never mistaken for a drop plus a create. Also the cheap signals that prove a
// table untouched: its relfilenode (changes on any rewrite or TRUNCATE) and its
// pg_stat_user_tables tuple counters.
//
// A Moment is the database as the observers see it at one point of the run: read
// once, lazily, and shared by every observer (the fingerprint, the data watch).
import type pg from 'pg';
import { DJANGO_APP_NAME } from '../django/shim.js';
import { USER_NS } from '../db.js';
import { fingerprint, type Fingerprint } from './fingerprint.js';
import { valueType, type ValueType } from './data/values.js';

export interface ColumnInfo {
  attnum: number;
  name: string;
  /** As PostgreSQL prints it, modifiers included: "numeric(10,2)". */
  type: string;
  /** Its base type and family, for comparing values across types. */
  value: ValueType;
}

/** A single-column foreign key: this table's column references another table's. */
export interface ForeignKey {
  column: number;
  refTable: number;
  refColumn: number;
}

export interface TableInfo {
  oid: number;
  schema: string;
  name: string;
  filenode: number;
  /** Primary key columns, by attnum. Empty if the table has none. */
  pk: number[];
  columns: Map<number, ColumnInfo>;
  fks: ForeignKey[];
}

export interface TupleStats {
  ins: number;
  upd: number;
  del: number;
}

export async function readTables(client: pg.Client): Promise<Map<number, TableInfo>> {
  const rels = await client.query<{ oid: string; schema: string; name: string; filenode: string; pk: number[] | null }>(`
    SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relfilenode::int8 AS filenode,
           (SELECT array_agg(k::int ORDER BY ord) FROM unnest(i.indkey) WITH ORDINALITY AS u(k, ord)) AS pk
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
    WHERE c.relkind = 'r' AND ${USER_NS}
    ORDER BY c.oid`);
  const tables = new Map<number, TableInfo>();
  for (const r of rels.rows) {
    tables.set(Number(r.oid), {
      oid: Number(r.oid), schema: r.schema, name: r.name, filenode: Number(r.filenode),
      pk: r.pk ?? [], columns: new Map(), fks: [],
    });
  }
  const cols = await client.query<{ rel: string; attnum: number; name: string; type: string; base: string }>(`
    SELECT a.attrelid::int8 AS rel, a.attnum::int AS attnum, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
           (SELECT b.typname FROM pg_type b WHERE b.oid = COALESCE(NULLIF(t.typbasetype, 0), t.oid)) AS base
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind = 'r' AND ${USER_NS}
    ORDER BY a.attrelid, a.attnum`);
  for (const c of cols.rows) {
    tables.get(Number(c.rel))?.columns.set(c.attnum, { attnum: c.attnum, name: c.name, type: c.type, value: valueType(c.base) });
  }
  const fks = await client.query<{ rel: string; col: number; ref: string; refcol: number }>(`
    SELECT con.conrelid::int8 AS rel, con.conkey[1]::int AS col, con.confrelid::int8 AS ref, con.confkey[1]::int AS refcol
    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE con.contype = 'f' AND cardinality(con.conkey) = 1 AND ${USER_NS}
    ORDER BY con.oid`);
  for (const f of fks.rows) tables.get(Number(f.rel))?.fks.push({ column: f.col, refTable: Number(f.ref), refColumn: f.refcol });
  return tables;
}

export async function readStats(client: pg.Client): Promise<Map<number, TupleStats>> {
  const r = await client.query<{ relid: string; ins: string; upd: string; del: string }>(
    'SELECT relid::int8 AS relid, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del FROM pg_stat_user_tables',
  );
  return new Map(r.rows.map((s) => [Number(s.relid), { ins: Number(s.ins), upd: Number(s.upd), del: Number(s.del) }]));
}

/**
 * Wait until Django's backend has left pg_stat_activity: a backend flushes its
 * tuple counters before it exits, so after this the counters are exact.
 */
export async function settle(client: pg.Client): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    // Only this database: other rehearsals may share the server (--sandbox server).
    const r = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
      [DJANGO_APP_NAME]);
    if (r.rows[0]!.n === 0 || Date.now() > deadline) return;
    await new Promise((res) => setTimeout(res, 20));
  }
}

/** The database at one point of the run, read at most once per part, shared by every observer. */
export class Moment {
  private tablesP?: Promise<Map<number, TableInfo>>;
  private statsP?: Promise<Map<number, TupleStats>>;
  private fingerprintP?: Promise<Fingerprint>;

  private constructor(private readonly client: pg.Client) {}

  /** After Django's backend has gone, so the counters are exact. */
  static async now(client: pg.Client): Promise<Moment> {
    await settle(client);
    return new Moment(client);
  }

  // node-postgres queues the queries of one client, so these may be asked for in any order.
  tables(): Promise<Map<number, TableInfo>> {
    return (this.tablesP ??= readTables(this.client));
  }

  stats(): Promise<Map<number, TupleStats>> {
    return (this.statsP ??= readStats(this.client));
  }

  fingerprint(): Promise<Fingerprint> {
    return (this.fingerprintP ??= fingerprint(this.client));
  }
}
