// A sandbox is a throwaway PostgreSQL server that a provider brings up and
// always tears down. A provider describes itself: its kind, the command-line
// flags it reads, a pre-flight check that starts nothing, how to start, and how
// to sweep what killed runs left behind (`doctor --clean`). The CLI and doctor
// are built from the registry (./registry.ts), so a new provider is one folder
// and one registry line.
import type { MountedDir } from './local/mounted-copy.js';
import type { Cleanup } from '../cleanup.js';

export interface ConnInfo {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  /** libpq's sslmode for servers that require TLS (disable, require, verify-ca, verify-full). */
  sslmode?: string;
}

/** A table whose files a release will open (its heap and TOAST, and its indexes where it writes rows), or an index it drops. */
export interface TableFiles {
  name: string;
  withIndexes: boolean;
}

/** A started sandbox: only now are there connections to hand out. */
export interface Sandbox {
  readonly kind: string;
  /** e.g. "15.18" */
  readonly serverVersion: string;
  readonly serverMajor: number;
  /** The names of the two databases a rehearsal uses on this server. */
  readonly databases: { template: string; work: string };
  /** Connection details for a database on this server. */
  conn(database: string): ConnInfo;
  /**
   * Create one of this sandbox's databases (optionally as a clone of another).
   * A clone may say how it was made, where that is worth telling ("a thin clone").
   */
  createDatabase(name: string, template?: string): Promise<string | void>;
  /**
   * A clone named `name` will be asked for once a template of about
   * `expectedBytes` or more is restored: prepare now what does not depend on the
   * template's contents, while the restore runs or Django loads (the local
   * sandbox makes the clone's database row where its blank cluster did not,
   * ./local/file-clone.ts). Never throws; createDatabase
   * reports what went wrong.
   */
  prepareClone?(name: string, expectedBytes: number): void;
  /**
   * Before anything is timed: bring in the files of these tables of a cloned
   * database, where the clone defers them (a thin clone copies a table's files
   * up when it is first opened: inside a migration, that would be counted as
   * the migration's time, and as lock time).
   */
  prepareTables?(database: string, tables: TableFiles[]): Promise<void>;
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
  /** Started on a cached template: the template database is there already, restored by an earlier run. */
  readonly seeded?: boolean;
  /** Providers that can keep the template for later runs: stop cleanly and hand over its files. */
  keepTemplate?(keep: (dataDir: string, password: string) => Promise<void>): Promise<void>;
}

/** A command-line flag a provider reads; the CLI turns each into a commander option. */
export interface FlagSpec {
  /** e.g. "--image <image>" */
  flag: string;
  description: string;
  /** Read from this environment variable when the flag is absent. */
  env?: string;
  choices?: readonly string[];
  default?: string;
}

/** A cached template (src/cache/template-cache.ts) to start from: copied into place, answering to `password`. */
export interface TemplateSeed {
  serverMajor: number;
  password: string;
  copyTo(dataDir: string): Promise<void>;
  /**
   * As root, where overlays can be mounted: the copy's databases' directories
   * mounted over the entry's (./local/mounted-copy.ts), their layers under
   * `layers`. The entry stays in use until `release`; undefined where it cannot be.
   */
  mountTo?(dataDir: string, layers: string, owner?: { uid: number; gid: number }): Promise<{ mounts: MountedDir[]; release: () => void } | undefined>;
}

/** What every provider's start gets besides its own options. */
export interface StartContext {
  cleanup: Cleanup;
  /** The snapshot's server major, where the dump says (docker picks its image by it). */
  snapshotMajor: number | undefined;
  /** --keep: leave what survives the process (a server's databases) in place. */
  keep: boolean;
  /** A cached template to start from instead of a restore (providers that start from the cache only). */
  seed?: TemplateSeed;
}

/** One line of `rehearse doctor`: what this machine has for this provider. */
export interface DoctorLine {
  status: 'ok' | 'warn' | 'missing';
  what: string;
  detail: string;
  fix?: string;
}

/** Parsed command-line flags, by commander's camelCase names. */
export type Flags = Readonly<Record<string, unknown>>;

export interface SandboxProvider<O = unknown> {
  /** The value of --sandbox. */
  readonly kind: string;
  /** One line for --help. */
  readonly summary: string;
  /** Whether `doctor` judges "ready for a local rehearsal" by this provider's lines. */
  readonly isDefault?: boolean;
  /**
   * Whether it starts from a cached template (StartContext.seed). Keeping one is
   * up to its sandbox (Sandbox.keepTemplate): a server's databases are not files
   * this process can copy.
   */
  readonly startsFromCache?: boolean;
  readonly flags: readonly FlagSpec[];
  /** Its options from the parsed flags (a usage error, exit 2, when they do not fit). */
  options(flags: Flags): O;
  /** Checks that start nothing (a role without CREATEDB is a usage error); may connect. */
  preflight(o: O): Promise<void>;
  start(o: O, ctx: StartContext): Promise<Sandbox>;
  /** `doctor`: what this machine has for this provider. */
  diagnose(flags: Flags): Promise<DoctorLine[]>;
  /** `doctor --clean`: remove what killed runs left; one line per thing done. */
  sweep(flags: Flags): Promise<string[]>;
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
