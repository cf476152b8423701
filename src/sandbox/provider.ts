// A sandbox is a throwaway PostgreSQL server that a provider brings up and
// always tears down. The rehearsal only needs: how to connect to a database on
// it, how to run the client tools against it, and which version it runs.

export interface ConnInfo {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}

export interface Sandbox {
  readonly kind: 'local' | 'docker' | 'server';
  /** e.g. "15.18" */
  readonly serverVersion: string;
  readonly serverMajor: number;
  /** Connection details for a database on this server. */
  conn(database: string): ConnInfo;
  /** Absolute path of a client tool (pg_restore, psql, pg_dump) matching the server. */
  clientTool(name: 'pg_restore' | 'psql' | 'pg_dump'): string;
  /** Stop the server and remove everything it created. Idempotent. */
  teardown(): Promise<void>;
}

/** libpq environment for the client tools: no password prompts, no ~/.pgpass surprises. */
export function libpqEnv(c: ConnInfo): Record<string, string> {
  return {
    PGHOST: c.host,
    PGPORT: String(c.port),
    PGUSER: c.user,
    PGDATABASE: c.database,
    PGPASSWORD: c.password ?? '',
    PGCONNECT_TIMEOUT: '10',
    PGAPPNAME: 'rehearse',
  };
}
