// Small helpers around node-postgres: one-shot clients, quoting, and the one
// filter for "the user's schemas" that every catalog query shares.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ConnInfo } from './sandbox/provider.js';

/** node-postgres settings for a sandbox connection (sslmode mapped to its `ssl` option). */
export function pgConfig(conn: ConnInfo, applicationName = 'rehearse'): pg.ClientConfig {
  const { sslmode, ...rest } = conn;
  const ssl = !sslmode || sslmode === 'disable' || sslmode === 'prefer' || sslmode === 'allow'
    ? undefined
    : sslmode === 'require' ? { rejectUnauthorized: false } : true;
  return { ...rest, ...(ssl ? { ssl } : {}), application_name: applicationName, connectionTimeoutMillis: 10_000 };
}

export async function withClient<T>(conn: ConnInfo, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(pgConfig(conn));
  client.on('error', () => {}); // surfaces on the pending query instead
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * CREATE DATABASE, optionally as a clone of another. From PostgreSQL 15 the
 * clone is a FILE_COPY: the files copied as they are, instead of every block of
 * the template written through the WAL (15's default), about twice the I/O.
 */
export function createDatabase(admin: ConnInfo, name: string, template?: string): Promise<void> {
  return withClient(admin, async (c) => {
    await c.query(`CREATE DATABASE ${ident(name)}${template ? ` TEMPLATE ${ident(template)}${await fileCopy(c)}` : ''}`);
  });
}

/**
 * An empty database whose files can be replaced while the server runs (a
 * clone by files, ./sandbox/local/file-clone.ts): copied from template0 by its
 * files, so that no page of it is in shared buffers. From 15, the default
 * WAL_LOG reads every page through them (912 pages here).
 */
export function emptyDatabase(admin: ConnInfo, name: string): Promise<void> {
  return withClient(admin, async (c) => {
    await c.query(`CREATE DATABASE ${ident(name)} TEMPLATE template0${await fileCopy(c)}`);
  });
}

/** CREATE DATABASE's clause for a copy by files: from 15 (before, the only way there was). */
async function fileCopy(c: pg.Client): Promise<string> {
  const v = Number((await c.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]!.v);
  return v >= 150000 ? ' STRATEGY FILE_COPY' : '';
}

/**
 * Give the connecting role a fresh random password, and return it: a cluster
 * copied from a blank or a cached template answers to the password it was kept
 * with until each run replaces it with its own.
 */
export async function rotatePassword(conn: ConnInfo): Promise<string> {
  const fresh = randomBytes(18).toString('base64url');
  await withClient(conn, (c) => c.query(`ALTER ROLE ${ident(conn.user)} PASSWORD ${literal(fresh)}`));
  return fresh;
}

export function ident(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function literal(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}

export function qualified(t: { schema: string; name: string }): string {
  return `${ident(t.schema)}.${ident(t.name)}`;
}

/** The user's schemas: not the system catalogs, not TOAST, not temp schemas (rehearse's own scratch). */
export const USER_NS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;
