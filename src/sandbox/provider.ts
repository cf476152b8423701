// A sandbox is a throwaway PostgreSQL server that a provider brings up and
// always tears down. The rehearsal only needs: how to connect to a database on
// it, how to run the client tools against it, and which version it runs.

export interface ConnInfo {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  /** libpq's sslmode for servers that require TLS (disable, require, verify-ca, verify-full). */
  sslmode?: string;
}

export interface Sandbox {
  readonly kind: 'local' | 'docker' | 'server';
  /** e.g. "15.18" */
  readonly serverVersion: string;
  readonly serverMajor: number;
  /** The names of the two databases a rehearsal uses on this server. */
  readonly databases: { template: string; work: string };
  /** Connection details for a database on this server. */
  conn(database: string): ConnInfo;
  /** Create one of this sandbox's databases (optionally as a clone of another). */
  createDatabase(name: string, template?: string): Promise<void>;
  /** How a person reaches a database of this sandbox (for --keep). */
  describe(database: string): string;
  /**
   * With --keep: whether the sandbox outlives the rehearse process (an existing
   * server does; a local cluster or a container dies with it, so the run waits).
   */
  readonly survivesExit: boolean;
  /** Run a client tool (matching the server's version) against one of its databases. */
  runTool(tool: ClientTool, args: string[], o: ToolOptions): Promise<ToolResult>;
  /** Make a host file or directory readable by the tools; returns the path to give them. */
  stage(hostPath: string): Promise<string>;
  /** Whether runTool takes a stream on stdin (host tools do; tools inside a container here do not). */
  readonly toolsTakeStdin: boolean;
  /** Stop the server and remove everything it created. Idempotent. */
  teardown(): Promise<void>;
}

export type ClientTool = 'pg_restore' | 'psql' | 'pg_dump';

export interface ToolOptions {
  database: string;
  stdin?: NodeJS.ReadableStream;
  /** Each line of the tool's stderr as it comes (or at the end, for tools in a container). */
  onStderrLine?: (line: string) => void;
}

export interface ToolResult {
  exitCode: number | undefined;
  signal?: string | undefined;
  stdout: string;
  stderr: string;
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
    ...(c.sslmode ? { PGSSLMODE: c.sslmode } : {}),
  };
}
