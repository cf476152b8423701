// Small helpers around node-postgres: one-shot clients and identifier quoting.
import pg from 'pg';
import type { ConnInfo } from './sandbox/provider.js';

export async function withClient<T>(conn: ConnInfo, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...conn, application_name: 'rehearse', connectionTimeoutMillis: 10_000 });
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
