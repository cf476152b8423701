// A PostgreSQL container started with testcontainers: for CI runners that have
// Docker and no PostgreSQL, and to match production's major version (the image
// is postgres:<major of the snapshot>). The restore runs the image's own
// pg_restore/psql inside the container, so client and server always match and
// the host needs no PostgreSQL at all. No reaper: the container is stopped and
// removed on the finally path, and labelled so `doctor --clean` can sweep what a
// SIGKILL left behind.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { rmSync, statSync } from 'node:fs';
import { CannotRehearseError } from '../../errors.js';
import { createDatabase, withClient } from '../../db.js';
import type { Cleanup } from '../../cleanup.js';
import { freePort } from '../port.js';
import { makeTempDir } from '../tmp.js';
import type { ClientTool, ConnInfo, Sandbox, ToolOptions, ToolResult } from '../provider.js';

export interface DockerOptions {
  /** Major version of the snapshot's server; picks postgres:<major>. */
  major: number | undefined;
  /** --image or REHEARSE_PG_IMAGE. */
  image?: string;
  /** --docker-network host: share the host's network instead of a mapped port. */
  network?: 'bridge' | 'host';
}

export const DEFAULT_MAJOR = 16;
export const LABEL = 'rehearse.run';

type Started = Awaited<ReturnType<import('testcontainers').GenericContainer['start']>>;

export class DockerSandbox implements Sandbox {
  readonly kind = 'docker' as const;
  readonly databases = { template: 'rehearse_template', work: 'rehearse_work' };
  readonly survivesExit = false;
  readonly toolsTakeStdin = false;
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
    const password = randomBytes(12).toString('hex');
    const port = hostNet ? await freePort() : 5432;
    const definition = await containerFor(image, password, port, hostNet);
    // testcontainers keeps a lock file in the temp dir; give it one of ours, removed at teardown.
    const own = makeTempDir('docker-');
    cleanup.add('docker temp dir', async () => rmSync(own, { recursive: true, force: true }));
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = own;
    let started: Started;
    try {
      started = await definition.start();
    } catch (err) {
      throw new CannotRehearseError(startFailure(image, err as Error));
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    cleanup.add('docker sandbox', () => started.stop({ remove: true, removeVolumes: true, timeout: 5_000 }).then(() => {}, () => {}));
    const host = hostNet ? '127.0.0.1' : started.getHost();
    const mapped = hostNet ? port : started.getMappedPort(5432);
    const conn: ConnInfo = { host, port: mapped, user: 'rehearse', password, database: 'postgres' };
    const v = await withClient(conn, (cl) => cl.query<{ v: string; n: string }>(
      "SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n"));
    const version = /^\d+(\.\d+)?/.exec(v.rows[0]!.v)?.[0] ?? v.rows[0]!.v;
    return new DockerSandbox(started, host, mapped, port, password, version, Math.floor(Number(v.rows[0]!.n) / 10000));
  }

  conn(database: string): ConnInfo {
    return { host: this.host, port: this.port, user: 'rehearse', password: this.password, database };
  }

  createDatabase(name: string, template?: string): Promise<void> {
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

async function containerFor(image: string, password: string, port: number, hostNet: boolean) {
  const { GenericContainer, Wait } = await import('testcontainers');
  const c = new GenericContainer(image)
    .withEnvironment({ POSTGRES_USER: 'rehearse', POSTGRES_PASSWORD: password, POSTGRES_DB: 'postgres', PGPORT: String(port) })
    .withLabels({ [LABEL]: randomBytes(4).toString('hex'), 'rehearse.pid': String(process.pid), 'rehearse.host': os.hostname() })
    // Throwaway tuning, as for the local sandbox; room in /dev/shm for a parallel restore.
    .withCommand(['postgres', '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off',
      '-c', 'max_wal_size=4GB', '-c', 'checkpoint_timeout=1h', '-c', 'autovacuum=off', '-c', 'shared_buffers=256MB',
      '-c', 'max_connections=60', '-c', 'lc_messages=C'])
    .withSharedMemorySize(1024 * 1024 * 1024)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withStartupTimeout(120_000);
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
