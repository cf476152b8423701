// Small helpers around node-postgres: one-shot clients and identifier quoting.
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

export function ident(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function literal(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}
