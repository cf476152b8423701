// A PostgreSQL container started with testcontainers: for CI runners that have
// Docker and no PostgreSQL, and to match production's major version (the image
// is postgres:<major of the snapshot>). The restore runs the image's own
// pg_restore/psql inside the container, so client and server always match and
// the host needs no PostgreSQL at all. No reaper: the container is stopped and
// removed on the finally path, and labelled so `doctor --clean` can sweep what a
// SIGKILL left behind. A cached template (src/cache/) of the image's major is
// used as the container's data directory, a bind-mounted copy: no restore.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { appendFileSync, rmSync, statSync } from 'node:fs';
import { CannotRehearseError } from '../../errors.js';
import { createDatabase, ident, rotatePassword, withClient } from '../../db.js';
import type { Cleanup } from '../../cleanup.js';
import { freePort } from '../port.js';
import { makeTempDir } from '../tmp.js';
import type { ClientTool, ConnInfo, Sandbox, TemplateSeed, ToolOptions, ToolResult } from '../provider.js';

export interface DockerOptions {
  /** Major version of the snapshot's server; picks postgres:<major>. */
  major: number | undefined;
  /** --image or REHEARSE_PG_IMAGE. */
  image?: string;
  /** --docker-network host: share the host's network instead of a mapped port. */
  network?: 'bridge' | 'host';
  /** A cached template: used when the image's PostgreSQL major is the one that made it. */
  seed?: TemplateSeed;
}

export const DEFAULT_MAJOR = 16;
export const LABEL = 'rehearse.run';

type Started = Awaited<ReturnType<import('testcontainers').GenericContainer['start']>>;

export class DockerSandbox implements Sandbox {
  readonly kind = 'docker' as const;
  readonly databases = { template: 'rehearse_template', work: 'rehearse_work' };
  readonly survivesExit = false;
  readonly toolsTakeStdin = false;
  seeded = false;
  private staged = 0;

  private constructor(
    private readonly container: Started,
    private readonly host: string,
    private readonly port: number,
    /** The port inside the container's network namespace (what its own tools use). */
    private readonly innerPort: number,
    private readonly password: string,
    readonly serverVersion: string,
    readonly serverMajor: number,
  ) {}

  static async start(cleanup: Cleanup, opts: DockerOptions): Promise<DockerSandbox> {
    // No reaper (its image is one more pull); the finally path and the labels do its job.
    process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
    const hostNet = opts.network === 'host';
    // With host networking the container is on 127.0.0.1: say so, or testcontainers
    // probes a bridge gateway that an engine without a bridge does not have.
    // (An empty value is as good as unset.)
    if (hostNet && !process.env.TESTCONTAINERS_HOST_OVERRIDE) process.env.TESTCONTAINERS_HOST_OVERRIDE = '127.0.0.1';
    const image = opts.image ?? process.env.REHEARSE_PG_IMAGE ?? `postgres:${opts.major ?? DEFAULT_MAJOR}`;
    const port = hostNet ? await freePort() : 5432;
    // testcontainers keeps a lock file in the temp dir; give it one of ours, removed at teardown.
    const own = makeTempDir('docker-');
    cleanup.add('docker temp dir', async () => rmSync(own, { recursive: true, force: true }));
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = own;
    let started: Started;
    let seeded: SeededData | undefined;
    let password = randomBytes(12).toString('hex');
    try {
      seeded = opts.seed ? await seededData(image, opts.seed, own) : undefined;
      cleanup.throwIfInterrupted();
      if (seeded) password = seeded.password;
      started = await (await containerFor(image, password, port, hostNet, seeded)).start();
    } catch (err) {
      if (err instanceof CannotRehearseError) throw err;
      throw new CannotRehearseError(startFailure(image, err as Error));
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    cleanup.add('docker sandbox', () => started.stop({ remove: true, removeVolumes: true, timeout: 5_000 }).then(() => {}, () => {}));
    const host = hostNet ? '127.0.0.1' : started.getHost();
    const mapped = hostNet ? port : started.getMappedPort(5432);
    const conn: ConnInfo = { host, port: mapped, user: 'rehearse', password, database: 'postgres' };
    // The cached cluster answers to the password it was kept with: this run's own replaces it.
    if (seeded) conn.password = password = await rotatePassword(conn);
    const v = await withClient(conn, (cl) => cl.query<{ v: string; n: string }>(
      "SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n"));
    const version = /^\d+(\.\d+)?/.exec(v.rows[0]!.v)?.[0] ?? v.rows[0]!.v;
    const box = new DockerSandbox(started, host, mapped, port, password, version, Math.floor(Number(v.rows[0]!.n) / 10000));
    box.seeded = seeded !== undefined;
    return box;
  }

  conn(database: string): ConnInfo {
    return { host: this.host, port: this.port, user: 'rehearse', password: this.password, database };
  }

  async createDatabase(name: string, template?: string): Promise<void> {
    // A cached template kept from a local run can hold the clone's empty row (../local/cluster.ts, keepTemplate).
    if (template && this.seeded) await withClient(this.conn('postgres'), (c) => c.query(`DROP DATABASE IF EXISTS ${ident(name)}`));
    return createDatabase(this.conn('postgres'), name, template);
  }

  describe(database: string): string {
    return `psql "postgresql://rehearse:${this.password}@${this.host}:${this.port}/${database}" (container ${this.container.getId().slice(0, 12)})`;
  }

  async stage(hostPath: string): Promise<string> {
    const target = `/tmp/rehearse-stage-${++this.staged}-${path.basename(hostPath)}`;
    if (statSync(hostPath).isDirectory()) await this.container.copyDirectoriesToContainer([{ source: hostPath, target }]);
    else await this.container.copyFilesToContainer([{ source: hostPath, target }]);
    return target;
  }

  async runTool(tool: ClientTool, args: string[], o: ToolOptions): Promise<ToolResult> {
    if (o.stdin) throw new Error('tools in a container take files, not stdin');
    const r = await this.container.exec([tool, ...args], {
      env: { PGHOST: '127.0.0.1', PGPORT: String(this.innerPort),
        PGUSER: 'rehearse', PGPASSWORD: this.password, PGDATABASE: o.database },
    });
    if (o.onStderrLine) for (const line of r.stderr.split('\n')) o.onStderrLine(line);
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }

  async teardown(): Promise<void> {
    await this.container.stop({ remove: true, removeVolumes: true, timeout: 5_000 }).catch(() => {});
  }
}

/** A copy of a cached template's data directory, ready to mount: where, owned by whom, and its password. */
interface SeededData {
  dir: string;
  /** PGDATA in the image. */
  target: string;
  /** uid:gid that owns the copy: the server runs as it, so the files stay the host's to remove. */
  user: string;
  password: string;
}

/**
 * The seed copied into `own`, when the image runs the PostgreSQL major that made
 * it (read from the image's environment, without starting it); undefined when the
 * image is not here yet or runs another major: then the snapshot is restored.
 */
async function seededData(image: string, seed: TemplateSeed, own: string): Promise<SeededData | undefined> {
  const { getContainerRuntimeClient, ImageName } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  const name = ImageName.fromString(image);
  if (!(await client.image.exists(name))) return undefined;
  const env = (await client.image.inspect(name)).Config?.Env ?? [];
  if (imageMajor(env) !== seed.serverMajor) return undefined;
  const dir = path.join(own, 'data');
  await seed.copyTo(dir);
  // Clients reach a container through its network, not 127.0.0.1 (the cached cluster allows only that).
  appendFileSync(path.join(dir, 'pg_hba.conf'), '\n# rehearse: clients through the container\'s network\nhost all all all scram-sha-256\n');
  const st = statSync(dir);
  const pgdata = env.find((e) => e.startsWith('PGDATA='))?.slice('PGDATA='.length) || '/var/lib/postgresql/data';
  return { dir, target: pgdata, user: `${st.uid}:${st.gid}`, password: seed.password };
}

/** The PostgreSQL major an image runs, from its PG_MAJOR (official images) or the server binaries on its PATH. */
export function imageMajor(env: readonly string[]): number | undefined {
  const major = env.find((e) => e.startsWith('PG_MAJOR='))?.slice('PG_MAJOR='.length);
  if (major && /^\d+$/.test(major)) return Number(major);
  const bin = env.map((e) => /^PATH=.*\/usr\/lib\/postgresql\/(\d+)\/bin/.exec(e)).find(Boolean);
  return bin ? Number(bin[1]) : undefined;
}

async function containerFor(image: string, password: string, port: number, hostNet: boolean, seeded?: SeededData) {
  const { GenericContainer, Wait } = await import('testcontainers');
  // Throwaway tuning, as for the local sandbox. A cached cluster brings its local
  // sandbox's socket directory and listen address: the container's own replace them.
  const settings = ['fsync=off', 'full_page_writes=off', 'synchronous_commit=off', 'max_wal_size=4GB', 'checkpoint_timeout=1h',
    'autovacuum=off', 'shared_buffers=256MB', 'max_connections=60', 'lc_messages=C',
    ...(seeded ? ['unix_socket_directories=/tmp', `listen_addresses=${hostNet ? '127.0.0.1' : '*'}`, `port=${port}`] : [])];
  let c = new GenericContainer(image)
    .withEnvironment({ POSTGRES_USER: 'rehearse', POSTGRES_PASSWORD: password, POSTGRES_DB: 'postgres', PGPORT: String(port),
      ...(seeded ? { PGDATA: seeded.target } : {}) })
    .withLabels({ [LABEL]: randomBytes(4).toString('hex'), 'rehearse.pid': String(process.pid), 'rehearse.host': os.hostname() })
    .withCommand(['postgres', ...settings.flatMap((x) => ['-c', x])])
    // Room in /dev/shm for a parallel restore.
    .withSharedMemorySize(1024 * 1024 * 1024)
    // A fresh data directory logs "ready" twice (initdb's temporary server, then the real one); an existing one, once.
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, seeded ? 1 : 2))
    .withStartupTimeout(120_000);
  if (seeded) c = c.withBindMounts([{ source: seeded.dir, target: seeded.target, mode: 'rw' }]).withUser(seeded.user);
  return hostNet ? c.withNetworkMode('host') : c.withExposedPorts(5432);
}

/** What went wrong, in the user's terms rather than testcontainers' internals. */
function startFailure(image: string, err: Error): string {
  const first = err.message.split('\n')[0] ?? '';
  if (/container runtime strategy|ECONNREFUSED|ENOENT.*docker\.sock/i.test(err.message)) {
    return noEngineAt(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  }
  return `could not start a ${image} container: ${first}`;
}

export function noEngineAt(socket: string): string {
  return `no Docker engine answered at ${socket}: start one, or set DOCKER_HOST to the engine's socket ` +
    '(and TESTCONTAINERS_HOST_OVERRIDE to the address its containers are reached at)';
}
