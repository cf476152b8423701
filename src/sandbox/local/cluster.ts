// The default sandbox: a private PostgreSQL cluster in a 0700 temp dir (a copy
// of a blank one that initdb made once, ./blank-cluster.ts), listening on a free 127.0.0.1 port and a unix socket in that dir,
// tuned for throwaway use. PostgreSQL refuses to run as root, so when we are
// root (CI) the server runs as the `postgres` system user via setpriv.
// setpriv --pdeathsig also makes the server die with us if we are SIGKILLed.
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import pg from 'pg';
import { scrubbedEnv } from '../../env.js';
import { CannotRehearseError } from '../../errors.js';
import { createDatabase, emptyDatabase, rotatePassword, withClient } from '../../db.js';
import type { Cleanup } from '../../cleanup.js';
import { findPgBin, type PgBin } from './pgbin.js';
import type { ClientTool, ConnInfo, Sandbox, TableFiles, TemplateSeed } from '../provider.js';
import { HostToolsSandbox } from '../host-tools.js';
import { freePort, isFree } from '../port.js';
import { makeTempDir } from '../tmp.js';
import { defaultCacheDir } from '../../cache/template-cache.js';
import { BlankClusters } from './blank-cluster.js';
import { flattenMount, type MountedDir } from './mounted-copy.js';
import { cloneByFiles, likelyClonedByFiles, prepareCloneRow } from './file-clone.js';
import { mountOverlay, overlayPossible, unmountUnder } from './overlay.js';
import { releaseSharedMemory } from './shared-memory.js';

export const SUPERUSER = 'rehearse';

export interface LocalOptions {
  pgBin?: string;
  seed?: TemplateSeed;
  /** --port: the sandbox's TCP port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Where the temp dir goes (default: os.tmpdir()). */
  tmpRoot?: string;
  /** Where blank clusters are kept (./blank-cluster.ts; default: under the cache dir). */
  blankRoot?: string;
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

export class LocalSandbox extends HostToolsSandbox implements Sandbox {
  readonly kind = 'local' as const;
  readonly databases = { template: 'rehearse_template', work: 'rehearse_work' };
  readonly survivesExit = false;
  private proc: ResultPromise | undefined;
  private tornDown = false;
  private cleanup: Cleanup | undefined;
  /** setpriv's arguments that run a server binary as the postgres user (when we are root). */
  private asPostgres: string[] = [];
  /** The postgres user, when we are root: the server runs as it, and owns what it must write. */
  private owner: { uid: number; gid: number } | undefined;
  /** Thin clones mounted in the data directory (./overlay.ts). */
  private readonly mounts: string[] = [];
  /** Clones whose database row is being made while the restore runs (prepareClone). */
  private readonly prepared = new Map<string, Promise<void>>();
  /** The sandbox's databases whose empty rows came with the cluster (the blank's, or a cached template's work row), not yet used. */
  private readonly madeAhead = new Set<string>();
  /** Databases' directories mounted over a kept cluster's: the blank's, or a cached template's (./mounted-copy.ts). */
  private mountedDirs: MountedDir[] = [];
  /** Lets go of the cached template this sandbox's directories are mounted over. */
  private releaseSeed: (() => void) | undefined;

  /**
   * The superuser's password, random per run: TCP on 127.0.0.1 asks for it
   * (scram-sha-256), so another user of a shared machine cannot read the
   * snapshot's data; the socket sits in the 0700 temp dir.
   */
  private password = randomBytes(18).toString('base64url');
  /** Started on a copy of a cached template (./../../cache/template-cache.ts) instead of initdb and a restore. */
  seeded = false;

  private constructor(
    readonly bin: PgBin,
    readonly dir: string,
    public port: number,
    /** --port: the user's choice, kept; otherwise a port found free, replaced if another process takes it first. */
    private readonly portChosen: boolean,
    private readonly blanks: BlankClusters,
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
    return { host: '127.0.0.1', port: this.port, user: SUPERUSER, password: this.password, database };
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  clientTool(name: ClientTool): string {
    return path.join(this.bin.dir, name);
  }

  createDatabase(name: string, template?: string): Promise<string | void> {
    const madeAhead = this.madeAhead.delete(name);
    if (template && this.proc) {
      const prepared = this.prepared.get(name) ?? (madeAhead ? Promise.resolve() : undefined);
      this.prepared.delete(name);
      return cloneByFiles(this, name, template, { prepared });
    }
    if (madeAhead && !template) return Promise.resolve();
    return createDatabase(this.conn('postgres'), name, template);
  }

  prepareClone(name: string, expectedBytes: number): void {
    if (!this.proc || this.prepared.has(name) || this.madeAhead.has(name) || !likelyClonedByFiles(expectedBytes, true)) return;
    const made = prepareCloneRow(this.conn('postgres'), name);
    made.catch(() => {}); // awaited by createDatabase, which reports it
    this.prepared.set(name, made);
  }

  /**
   * Stop the server cleanly, run `fn` on its data directory, start it again on
   * the same port (the Django runner was told that port).
   */
  async whileStopped(fn: (dataDir: string) => Promise<void>): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null || !this.cleanup) throw new CannotRehearseError('the sandbox PostgreSQL is not running');
    this.proc.kill('SIGINT');
    const r = await this.proc;
    if (r.exitCode !== 0) throw new CannotRehearseError(`the sandbox PostgreSQL did not stop cleanly (${r.signal ?? `exit ${r.exitCode}`})`);
    await this.stillWanted(this.cleanup);
    const data = this.dataDir;
    await fn(data);
    await this.stillWanted(this.cleanup);
    await this.serve(this.cleanup, data, this.asPostgres, true);
  }

  /** A thin clone of `lower` at `target` (a database no backend has opened); false where this machine cannot mount one. */
  async mountClone(lower: string, target: string): Promise<boolean> {
    mkdirSync(target, { mode: 0o700 });
    if (this.owner) chownSync(target, this.owner.uid, this.owner.gid);
    if (await mountOverlay(lower, target, path.join(this.dir, `overlay-${path.basename(target)}`), { owner: this.owner })) {
      this.mounts.push(target);
      return true;
    }
    rmSync(target, { recursive: true, force: true });
    return false;
  }

  /**
   * A thin clone's files of these tables copied up now (opening one for
   * writing does it): each table's heap and TOAST, its indexes where the
   * release writes its rows, and an index named on its own (one it drops:
   * PostgreSQL truncates a dropped file). The rest stay in the lower layer until opened.
   */
  async prepareTables(database: string, tables: TableFiles[]): Promise<void> {
    if (!this.mounts.length || !tables.length) return;
    const data = this.dataDir;
    const files = await withClient(this.conn(database), async (c) => (await c.query<{ f: string }>(`
      SELECT pg_relation_filepath(x.oid) AS f FROM pg_class c
      CROSS JOIN LATERAL (SELECT c.oid UNION ALL SELECT c.reltoastrelid WHERE c.reltoastrelid <> 0
        UNION ALL SELECT i.indexrelid FROM pg_index i
          WHERE i.indrelid = c.reltoastrelid OR (i.indrelid = c.oid AND c.relname = ANY($2))) x(oid)
      WHERE c.relname = ANY($1) AND c.relkind IN ('r', 'p', 'm', 'i')`,
    [tables.map((t) => t.name), tables.filter((t) => t.withIndexes).map((t) => t.name)])).rows.map((r) => r.f).filter(Boolean));
    for (const f of files) {
      const dir = path.join(data, path.dirname(f));
      if (!this.mounts.some((m) => dir === m)) continue;
      const base = path.basename(f);
      // The main fork's segments (N, N.1, ...) and the free-space and visibility maps.
      for (const name of readdirSync(dir).filter((n) => n === base || n.startsWith(`${base}.`) || n.startsWith(`${base}_`))) {
        closeSync(openSync(path.join(dir, name), 'r+'));
      }
    }
  }

  describe(database: string): string {
    return `psql "postgresql://${SUPERUSER}:${this.password}@127.0.0.1:${this.port}/${database}"`;
  }

  /** Bring up a cluster; its teardown is registered before anything can fail. */
  static async start(cleanup: Cleanup, opts: LocalOptions = {}): Promise<LocalSandbox> {
    const bin = await findPgBin(opts.pgBin);
    if (opts.port !== undefined && !(await isFree(opts.port))) {
      throw new CannotRehearseError(`port ${opts.port} on 127.0.0.1 is in use: pick another --port, or leave it out for a free one`);
    }
    const port = opts.port ?? await freePort();
    // No await between making the dir and registering its teardown: an interrupt
    // in between would leave the dir behind.
    const dir = makeTempDir('', opts.tmpRoot);
    chmodSync(dir, 0o700);
    const box = new LocalSandbox(bin, dir, port, opts.port !== undefined, new BlankClusters(opts.blankRoot ?? path.join(defaultCacheDir(), 'blank')));
    cleanup.add('local sandbox', () => box.teardown());
    cleanup.throwIfInterrupted();
    // A cached template of another major cannot be started by these binaries: restore instead.
    const seed = opts.seed && opts.seed.serverMajor === bin.major ? opts.seed : undefined;
    await box.boot(cleanup, seed);
    return box;
  }

  /**
   * Keep the pristine template for later runs: shut the server down cleanly,
   * and hand the data directory (and the password it answers to) to `keep`.
   * The work database goes, but where it was a thin clone over the blank's
   * empty row, that row stays, as the blank had it: a later run clones into it
   * with no CREATE DATABASE. The sandbox is stopped afterwards either way.
   */
  async keepTemplate(keep: (dataDir: string, password: string) => Promise<void>): Promise<void> {
    if (this.tornDown || !this.proc || this.proc.exitCode !== null) return;
    const work = this.databases.work;
    const live = await withClient(this.conn('postgres'), async (c) => {
      const oids = new Map((await c.query<{ oid: string; datname: string }>('SELECT oid::text, datname FROM pg_database')).rows.map((r) => [r.datname, r.oid]));
      const dir = path.join(this.dataDir, 'base', oids.get(work) ?? '-');
      const emptyAgain = this.mounts.includes(dir) && this.mountedDirs.some((m) => m.target === dir);
      if (!emptyAgain && oids.has(work)) {
        await c.query(`DROP DATABASE ${work} WITH (FORCE)`);
        oids.delete(work);
      }
      return new Set([...oids.values()].map((oid) => path.join(this.dataDir, 'base', oid)));
    });
    this.proc.kill('SIGINT');
    const r = await this.proc;
    if (r.exitCode !== 0) return; // not a clean shutdown: nothing worth keeping
    // A thin clone's upper layer is the work database's writes: they go.
    for (const m of this.mounts.splice(0)) {
      await unmountUnder(m);
      rmSync(m, { recursive: true, force: true });
    }
    // The others are mounted over the blank: the entry holds their files.
    for (const m of this.mountedDirs.splice(0)) if (live.has(m.target)) await flattenMount(m);
    await unmountUnder(this.dir);
    await keep(this.dataDir, this.password);
  }

  private async boot(cleanup: Cleanup, seed?: TemplateSeed): Promise<void> {
    this.cleanup = cleanup;
    const asPostgres = this.asPostgres;
    const owner = isRoot() ? await postgresUser() : undefined;
    this.owner = owner;
    if (owner) {
      chownSync(this.dir, owner.uid, owner.gid);
      asPostgres.push('--reuid=postgres', '--regid=postgres', '--init-groups');
      const reach = await execa('setpriv', [...asPostgres, 'test', '-w', this.dir], { reject: false });
      if (reach.exitCode !== 0) {
        throw new CannotRehearseError(
          `the postgres user cannot reach ${path.dirname(this.dir)}: point TMPDIR at a directory every user can traverse (e.g. /tmp)`,
        );
      }
    }
    const data = this.dataDir;
    if (seed) {
      // A copy of the cached template's cluster: no initdb, no restore.
      const mounted = overlayPossible() && seed.mountTo ? await seed.mountTo(data, this.dir, owner) : undefined;
      if (mounted) {
        this.mountedDirs = mounted.mounts;
        this.releaseSeed = mounted.release;
      } else {
        await seed.copyTo(data);
      }
      await this.bootFromCopy(cleanup, data, asPostgres, seed.password);
      this.seeded = true;
      // An entry kept from a thin clone over the blank holds the work database's empty row.
      const work = this.databases.work;
      if (await withClient(this.conn('postgres'), async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [work])).rowCount)) this.madeAhead.add(work);
      return;
    }
    const blank = this.blanks.find(this.bin);
    const mounted = blank && (await this.blanks.copyTo(blank, data, overlayPossible() ? { layers: this.dir, owner } : undefined));
    if (blank && mounted) {
      this.mountedDirs = mounted;
      await this.bootFromCopy(cleanup, data, asPostgres, blank.password);
      for (const name of Object.values(this.databases)) this.madeAhead.add(name);
      return;
    }
    const pwfile = path.join(this.dir, 'pw');
    writeFileSync(pwfile, this.password, { mode: 0o600 });
    if (owner) chownSync(pwfile, owner.uid, owner.gid);
    const initdb = await execa(
      'setpriv',
      [...asPostgres, path.join(this.bin.dir, 'initdb'), '-D', data, '-U', SUPERUSER,
        '--auth-host=scram-sha-256', '--auth-local=peer', `--pwfile=${pwfile}`,
        '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions'],
      { reject: false, all: true, cwd: this.dir, env: scrubbedEnv(), extendEnv: false },
    );
    rmSync(pwfile, { force: true });
    if (initdb.exitCode !== 0) {
      throw new CannotRehearseError(`initdb failed: ${lastLines(initdb.all ?? '', 2)}`);
    }
    await this.stillWanted(cleanup);
    await this.serve(cleanup, data, asPostgres);
    // The blank holds the sandbox's databases' rows, so that later runs need no CREATE DATABASE.
    for (const name of Object.values(this.databases)) {
      await emptyDatabase(this.conn('postgres'), name);
      this.madeAhead.add(name);
    }
    await this.whileStopped((stopped) => this.blanks.keep(this.bin, stopped, this.password));
    // The blank kept answers to this password: this run's own is another.
    this.password = await rotatePassword(this.conn('postgres'));
  }

  /** Start on a copied cluster (a cached template, a blank): it answers to `password` until this run's own replaces it. */
  private async bootFromCopy(cleanup: Cleanup, data: string, asPostgres: string[], password: string): Promise<void> {
    await this.stillWanted(cleanup);
    this.password = password;
    await this.serve(cleanup, data, asPostgres);
    this.password = await rotatePassword(this.conn('postgres'));
  }

  private async serve(cleanup: Cleanup, data: string, asPostgres: string[], samePort = false): Promise<void> {
    // A free port can be taken between finding it and binding it (another run, on a
    // shared runner): then the server stops at once, and another port is tried.
    for (let attempt = 1; ; attempt++) {
      writeFileSync(path.join(data, 'postgresql.auto.conf'), this.serverConfig());
      const logFile = path.join(this.dir, 'server.log');
      this.proc = execa(
        'setpriv',
        [...asPostgres, '--pdeathsig', 'SIGQUIT', path.join(this.bin.dir, 'postgres'), '-D', data],
        { reject: false, stdin: 'ignore', stdout: { file: logFile }, stderr: { file: logFile }, cwd: this.dir, env: scrubbedEnv(), extendEnv: false },
      );
      try {
        return await this.waitReady(cleanup, logFile);
      } catch (err) {
        const taken = /Address already in use/.test(existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
        if (!taken) throw err;
        if (this.portChosen || samePort || attempt >= 5) {
          throw new CannotRehearseError(`port ${this.port} on 127.0.0.1 is in use: ${this.portChosen ? 'pick another --port, or leave it out for a free one' : 'no free port after 5 tries'}`);
        }
        this.port = await freePort();
      }
    }
  }

  /**
   * An interrupt tears the sandbox down while it may still be booting (initdb
   * running): whatever boot made after that is removed here, and boot stops.
   */
  private async stillWanted(cleanup: Cleanup): Promise<void> {
    if (!this.tornDown) return;
    if (this.proc) {
      this.proc.kill('SIGKILL');
      await this.proc;
      await releaseSharedMemory(this.dataDir);
    }
    await unmountUnder(this.dir);
    this.releaseSeed?.();
    rmSync(this.dir, { recursive: true, force: true });
    cleanup.throwIfInterrupted();
    throw new CannotRehearseError('the sandbox was torn down while it started');
  }

  /**
   * Throwaway tuning: durability buys nothing here, and restores are write-heavy.
   * maintenance_work_mem stays at PostgreSQL's default (64 MB): 512 MB made index
   * builds slower here, in the restore and in the migrations (a CREATE INDEX on
   * 16.8M rows: 26 s against 19 s), and the default is what most servers run.
   */
  private serverConfig(): string {
    const cpus = Math.max(2, os.cpus().length);
    return [
      'fsync = off',
      'full_page_writes = off',
      'synchronous_commit = off',
      'wal_level = minimal',
      'max_wal_senders = 0',
      'max_wal_size = 4GB',
      'checkpoint_timeout = 1h',
      'autovacuum = off',
      'shared_buffers = 256MB',
      // In the data directory, so that a server killed by SIGKILL leaves none in /dev/shm (./shared-memory.ts).
      'dynamic_shared_memory_type = mmap',
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
    ].join('\n');
  }

  private async waitReady(cleanup: Cleanup, logFile: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    let exited = false;
    void this.proc!.then(() => {
      exited = true;
    });
    while (Date.now() < deadline) {
      cleanup.throwIfInterrupted();
      if (this.tornDown) return await this.stillWanted(cleanup);
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
        // PostgreSQL is ready 0.1-0.2 s after it starts: a coarser poll would add half its step to every start.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    throw new CannotRehearseError('the sandbox PostgreSQL did not become ready within 60 s');
  }

  async teardown(): Promise<void> {
    if (this.tornDown) return;
    this.tornDown = true;
    const proc = this.proc;
    if (proc && proc.exitCode === null && proc.pid) {
      // setpriv execs postgres, so this pid is the postmaster. SIGQUIT is an
      // immediate shutdown: no checkpoint writes out pages about to be removed
      // with the directory (the shared memory is still released).
      proc.kill('SIGQUIT');
      const stopped = await Promise.race([proc.then(() => true), delay(15_000).then(() => false)]);
      if (!stopped) {
        proc.kill('SIGKILL');
        await proc;
      }
    }
    await releaseSharedMemory(this.dataDir);
    // A thin clone's mount first: removing through it would leave the mount point behind.
    await unmountUnder(this.dir);
    this.releaseSeed?.();
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
