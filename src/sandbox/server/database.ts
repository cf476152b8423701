// An existing PostgreSQL server (a managed clone, a thin-clone engine, a big
// box) where the given role may CREATE DATABASE. rehearse creates only databases
// named rehearse_<run id>..., marks each with a COMMENT, and drops only databases
// that carry its mark. It connects to no other database than the one in the URL
// (to create and drop its own) and never changes anything else.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { CannotRehearseError, UsageError } from '../../errors.js';
import { ident, literal, pgConfig } from '../../db.js';
import type { Cleanup } from '../../cleanup.js';
import { findClientTools, type ClientTools } from './client-tools.js';
import type { ClientTool, ConnInfo, Sandbox } from '../provider.js';
import { HostToolsSandbox } from '../host-tools.js';

export const MARK = 'rehearse:';

export interface ServerOptions {
  url: string;
  keep?: boolean;
  /** Directory of client tools to use instead of the newest installed. */
  pgBin?: string;
}

export function parseServerUrl(url: string): ConnInfo {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--server-url: not a URL (expected postgres://user[:password]@host[:port]/database)`);
  }
  if (!/^postgres(ql)?:$/.test(u.protocol)) throw new UsageError('--server-url: expected a postgres:// URL');
  return {
    host: decodeURIComponent(u.hostname) || '127.0.0.1',
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username) || os.userInfo().username,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
    ...(u.searchParams.get('sslmode') ? { sslmode: u.searchParams.get('sslmode')! } : {}),
  };
}

export class ServerSandbox extends HostToolsSandbox implements Sandbox {
  readonly kind = 'server' as const;
  readonly survivesExit = true;
  readonly databases: { template: string; work: string };
  private readonly created: string[] = [];

  private constructor(
    private readonly admin: pg.Client,
    private readonly base: ConnInfo,
    private readonly tools: ClientTools,
    readonly serverVersion: string,
    readonly serverMajor: number,
    readonly runId: string,
    private readonly keep: boolean,
  ) {
    super();
    this.databases = { template: `rehearse_${runId}_template`, work: `rehearse_${runId}` };
  }

  /** Connect and check the role may create databases (a usage error, exit 2, if not). */
  static async connect(url: string): Promise<{ admin: pg.Client; base: ConnInfo; version: string; num: number }> {
    const base = parseServerUrl(url);
    const admin = new pg.Client(pgConfig(base));
    admin.on('error', () => {});
    try {
      await admin.connect();
    } catch (err) {
      throw new CannotRehearseError(`cannot connect to --server-url ${redactUrl(url)}: ${(err as Error).message}`);
    }
    const role = await admin.query<{ name: string; create: boolean; version: string; num: string }>(
      `SELECT current_user AS name, (rolcreatedb OR rolsuper) AS create, current_setting('server_version') AS version,
              current_setting('server_version_num') AS num
       FROM pg_roles WHERE rolname = current_user`);
    const r = role.rows[0]!;
    if (!r.create) {
      await admin.end();
      throw new UsageError(`--server-url: role "${r.name}" cannot create databases (it needs CREATEDB)`);
    }
    return { admin, base, version: r.version, num: Number(r.num) };
  }

  static async start(cleanup: Cleanup, opts: ServerOptions): Promise<ServerSandbox> {
    const { admin, base, version, num } = await ServerSandbox.connect(opts.url);
    const r = { version, num };
    const major = Math.floor(r.num / 10000);
    const tools = await findClientTools(major, opts.pgBin).catch(async (e) => {
      await admin.end();
      throw e;
    });
    const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const box = new ServerSandbox(admin, base, tools, /^\d+(\.\d+)?/.exec(r.version)?.[0] ?? r.version, major, runId, !!opts.keep);
    cleanup.add('server sandbox', () => box.teardown());
    return box;
  }

  conn(database: string): ConnInfo {
    return { ...this.base, database };
  }

  clientTool(name: ClientTool): string {
    return path.join(this.tools.dir, name);
  }

  async createDatabase(name: string, template?: string): Promise<void> {
    if (!name.startsWith(`rehearse_${this.runId}`)) throw new Error(`refusing to create ${name}: not this run's`);
    await this.admin.query(`CREATE DATABASE ${ident(name)}${template ? ` TEMPLATE ${ident(template)}` : ''}`);
    this.created.push(name);
    const mark = `${MARK}${this.runId} host=${os.hostname()} pid=${process.pid} at=${new Date().toISOString()}`;
    await this.admin.query(`COMMENT ON DATABASE ${ident(name)} IS ${literal(mark)}`);
  }

  describe(database: string): string {
    const c = this.conn(database);
    return `psql "postgresql://${encodeURIComponent(c.user)}@${c.host}:${c.port}/${database}"`;
  }

  async teardown(): Promise<void> {
    try {
      if (!this.keep) {
        for (const name of this.created.reverse()) await dropIfMarked(this.admin, name);
      }
    } finally {
      await this.admin.end().catch(() => {});
    }
  }
}

/** Drop a database only if it carries rehearse's mark; end its sessions first. */
export async function dropIfMarked(admin: pg.Client, name: string): Promise<boolean> {
  const r = await admin.query<{ mark: string | null }>(
    `SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = $1`, [name]);
  if (!r.rows[0]?.mark?.startsWith(MARK)) return false;
  await admin.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
  return true;
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
