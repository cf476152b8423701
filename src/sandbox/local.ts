// The default sandbox: a private PostgreSQL cluster made with initdb in a 0700
// temp dir, listening on a free 127.0.0.1 port and a unix socket in that dir,
// tuned for throwaway use. PostgreSQL refuses to run as root, so when we are
// root (CI) the server runs as the `postgres` system user via setpriv.
// setpriv --pdeathsig also makes the server die with us if we are SIGKILLed.
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import pg from 'pg';
import { CannotRehearseError } from '../errors.js';
import { ident, withClient } from '../db.js';
import type { Cleanup } from '../cleanup.js';
import { findPgBin, type PgBin } from './pgbin.js';
import type { ClientTool, ConnInfo, Sandbox } from './provider.js';
import { HostToolsSandbox } from './host-tools.js';

export const SUPERUSER = 'rehearse';
/**
 * Every temp dir a run creates is named rehearse-<pid>-…, so that
 * `doctor --clean` can tell a killed run's leftovers (pid gone) from a live run's.
 */
export const tmpPrefix = (kind = '') => `rehearse-${kind}${process.pid}-`;
export const LEFTOVER = /^rehearse-(?:[a-z]+-)?(\d+)-[A-Za-z0-9]{6}$/;

export interface LocalOptions {
  pgBin?: string;
  /** Where the temp dir goes (default: os.tmpdir()). */
  tmpRoot?: string;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  try {
    const uid = Number((await execa('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await execa('id', ['-g', 'postgres'])).stdout.trim());
    return { uid, gid };
  } catch {
    throw new CannotRehearseError(
      'running as root, and PostgreSQL refuses to run as root: create a `postgres` system user or run rehearse as another user',
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export class LocalSandbox extends HostToolsSandbox implements Sandbox {
  readonly kind = 'local' as const;
  readonly databases = { template: 'rehearse_template', work: 'rehearse_work' };
  readonly survivesExit = false;
  private proc: ResultPromise | undefined;
  private tornDown = false;

  private constructor(
    readonly bin: PgBin,
    readonly dir: string,
    readonly port: number,
  ) {
    super();
  }

  get serverVersion(): string {
    return this.bin.version;
  }
  get serverMajor(): number {
    return this.bin.major;
  }

  conn(database: string): ConnInfo {
    return { host: '127.0.0.1', port: this.port, user: SUPERUSER, database };
  }

  clientTool(name: ClientTool): string {
    return path.join(this.bin.dir, name);
  }

  async createDatabase(name: string, template?: string): Promise<void> {
    await withClient(this.conn('postgres'), (c) =>
      c.query(`CREATE DATABASE ${ident(name)}${template ? ` TEMPLATE ${ident(template)}` : ''}`));
  }

  describe(database: string): string {
    return `psql "postgresql://${SUPERUSER}@127.0.0.1:${this.port}/${database}"`;
  }

  /** Bring up a cluster; its teardown is registered before anything can fail. */
  static async start(cleanup: Cleanup, opts: LocalOptions = {}): Promise<LocalSandbox> {
    const bin = await findPgBin(opts.pgBin);
    const dir = mkdtempSync(path.join(opts.tmpRoot ?? os.tmpdir(), tmpPrefix()));
    chmodSync(dir, 0o700);
    const box = new LocalSandbox(bin, dir, await freePort());
    cleanup.add('local sandbox', () => box.teardown());
    await box.boot(cleanup);
    return box;
  }

  private async boot(cleanup: Cleanup): Promise<void> {
    const asPostgres: string[] = [];
    if (isRoot()) {
      const { uid, gid } = await postgresUser();
      chownSync(this.dir, uid, gid);
      asPostgres.push('--reuid=postgres', '--regid=postgres', '--init-groups');
      const reach = await execa('setpriv', [...asPostgres, 'test', '-w', this.dir], { reject: false });
      if (reach.exitCode !== 0) {
        throw new CannotRehearseError(
          `the postgres user cannot reach ${path.dirname(this.dir)}: point TMPDIR at a directory every user can traverse (e.g. /tmp)`,
        );
      }
    }
    const data = path.join(this.dir, 'data');
    const initdb = await execa(
      'setpriv',
      [...asPostgres, path.join(this.bin.dir, 'initdb'), '-D', data, '-U', SUPERUSER, '--auth=trust',
        '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions'],
      { reject: false, all: true, cwd: this.dir },
    );
    if (initdb.exitCode !== 0) {
      throw new CannotRehearseError(`initdb failed: ${lastLines(initdb.all ?? '', 2)}`);
    }
    // Throwaway tuning: durability buys nothing here, and restores are write-heavy.
    const cpus = Math.max(2, os.cpus().length);
    writeFileSync(
      path.join(data, 'postgresql.auto.conf'),
      [
        'fsync = off',
        'full_page_writes = off',
        'synchronous_commit = off',
        'wal_level = minimal',
        'max_wal_senders = 0',
        'max_wal_size = 4GB',
        'checkpoint_timeout = 1h',
        'autovacuum = off',
        'shared_buffers = 256MB',
        'maintenance_work_mem = 512MB',
        `max_parallel_maintenance_workers = ${Math.min(4, cpus)}`,
        'max_connections = 60',
        "listen_addresses = '127.0.0.1'",
        `port = ${this.port}`,
        `unix_socket_directories = '${this.dir}'`,
        "log_destination = 'stderr'",
        'logging_collector = off',
        'log_min_messages = warning',
        "lc_messages = 'C'",
        '',
      ].join('\n'),
    );
    const logFile = path.join(this.dir, 'server.log');
    this.proc = execa(
      'setpriv',
      [...asPostgres, '--pdeathsig', 'SIGQUIT', path.join(this.bin.dir, 'postgres'), '-D', data],
      { reject: false, stdin: 'ignore', stdout: { file: logFile }, stderr: { file: logFile }, cwd: this.dir },
    );
    await this.waitReady(cleanup, logFile);
  }

  private async waitReady(cleanup: Cleanup, logFile: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    let exited = false;
    void this.proc!.then(() => {
      exited = true;
    });
    while (Date.now() < deadline) {
      cleanup.throwIfInterrupted();
      if (exited) {
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        throw new CannotRehearseError(`the sandbox PostgreSQL did not start: ${lastLines(log, 2) || 'no log'}`);
      }
      const client = new pg.Client({ ...this.conn('postgres'), connectionTimeoutMillis: 1000 });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.end();
        return;
      } catch {
        await client.end().catch(() => {});
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new CannotRehearseError('the sandbox PostgreSQL did not become ready within 60 s');
  }

  async teardown(): Promise<void> {
    if (this.tornDown) return;
    this.tornDown = true;
    const proc = this.proc;
    if (proc && proc.exitCode === null && proc.pid) {
      // setpriv execs postgres, so this pid is the postmaster: SIGINT is a fast shutdown.
      proc.kill('SIGINT');
      const stopped = await Promise.race([proc.then(() => true), delay(15_000).then(() => false)]);
      if (!stopped) {
        proc.kill('SIGKILL');
        await proc;
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

export function lastLines(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-n)
    .join(' ');
}
