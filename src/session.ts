// A Session owns what a rehearsal brought up: the sandbox (with its template and
// work databases), the settings shim, the Django runner, and the observers'
// connection. Configured, then started: only a started session hands out a
// runner or a connection. Everything it brings up is registered, as it comes
// up, with the run's Cleanup, the one place where a run is torn down (on a pass,
// a fail, an error, Ctrl-C or SIGTERM alike).
import { rmSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { keepTemplateAtTeardown, lookupTemplate, type CacheConfig } from './cache/for-session.js';
import type { Cleanup } from './cleanup.js';
import { pgConfig } from './db.js';
import { DjangoRunner } from './django/runner.js';
import { writeSettingsShim, type PgTimeouts } from './django/shim.js';
import { formatBytes } from './format.js';
import { Observers } from './observe/index.js';
import type { Invariant } from './playbook/schema.js';
import type { Events, MigratePhase } from './report/events.js';
import type { Sandbox, SandboxProvider } from './sandbox/provider.js';
import { diskUsage, leftoverDirs, makeTempDir } from './sandbox/tmp.js';
import type { SnapshotInfo } from './snapshot/detect.js';
import { assertRestorable } from './snapshot/restore.js';

export interface SessionConfig {
  projectDir: string;
  managePy: string;
  python: string;
  /** --settings: the project's settings module, overriding manage.py's choice. */
  settings?: string;
  snapshot: SnapshotInfo;
  provider: SandboxProvider<unknown>;
  providerOptions: unknown;
  /** --keep: the sandbox stays up after the run. */
  keep: boolean;
  invariants: readonly Invariant[];
  /** --probe-traffic: probe reads and writes on the migrated tables while each migration runs. */
  probeTraffic?: boolean;
  /** Django's sessions in the sandbox: statement_timeout and lock_timeout, in seconds (--statement-timeout, --lock-timeout). */
  pgTimeouts: PgTimeouts;
  /** --redact: how much of an error's message reaches the report. */
  redact: 'default' | 'strict';
  /** The template cache (--cache-dir; off with --no-cache, and in CI unless --cache-dir is given). */
  cache?: CacheConfig;
}

export class Session {
  private client: pg.Client | undefined;
  private watchers: Observers | undefined;
  /** The template database holds the whole snapshot (restored, or from the cache). */
  templateReady = false;
  /** The migrating phase whose change is running (operation events carry it). */
  changing: MigratePhase | undefined;

  private constructor(
    readonly config: SessionConfig,
    readonly cleanup: Cleanup,
    readonly events: Events,
    readonly sandbox: Sandbox,
    private readonly starting: Promise<DjangoRunner>,
  ) {}

  /** Bring up the sandbox, and start loading Django: it loads while the snapshot restores. */
  static async start(config: SessionConfig, cleanup: Cleanup, events: Events): Promise<Session> {
    events.phase('sandbox', 'starting a throwaway PostgreSQL');
    // A killed run (SIGKILL, a lost machine) could not clean up after itself: say so, and how much it holds.
    const left = leftoverDirs();
    if (left.length) {
      const bytes = left.reduce((n, l) => n + diskUsage(l.dir), 0);
      events.note(`${left.length} leftover temp dir(s) of killed runs hold ${formatBytes(bytes)} in ${os.tmpdir()}: rehearse doctor --clean removes them`);
    }
    const cached = config.cache ? await lookupTemplate(config.cache, config.snapshot) : undefined;
    const t0 = Date.now();
    const sandbox = await events.timed('sandboxMs', () => config.provider.start(config.providerOptions,
      { cleanup, snapshotMajor: config.snapshot.serverMajor, keep: config.keep, ...(cached?.seed ? { seed: cached.seed } : {}) }));
    if (cached?.told) events.note(cached.told(!!sandbox.seeded, Date.now() - t0));
    events.emit({ type: 'sandbox', kind: sandbox.kind, serverVersion: sandbox.serverVersion });
    assertRestorable(config.snapshot, sandbox);
    events.note(`PostgreSQL ${sandbox.serverVersion} (${sandbox.kind})`);
    cleanup.throwIfInterrupted();
    let session: Session | undefined;
    // Registered before everything that uses the server, so it runs after they let go of it.
    if (cached) keepTemplateAtTeardown(cached, config.snapshot, sandbox, cleanup, () => session?.templateReady ?? false, events);
    const shimDir = makeTempDir('django-');
    cleanup.add('settings shim', async () => rmSync(shimDir, { recursive: true, force: true }));
    const database = sandbox.conn(sandbox.databases.work);
    writeSettingsShim(shimDir, database, config.pgTimeouts);
    const starting = DjangoRunner.start({
      python: config.python,
      managePy: config.managePy,
      shimDir,
      database,
      ...(config.settings ? { settings: config.settings } : {}),
      cleanup,
      onLog: (text) => events.emit({ type: 'django-output', text }),
      onOperation: ({ type: _, ...op }) => events.emit({ type: 'operation', ...op, phase: session?.changing }),
    });
    starting.catch(() => {}); // awaited by the restore step; a restore error must not leave it unhandled
    session = new Session(config, cleanup, events, sandbox, starting);
    return session;
  }

  get databases(): { template: string; work: string } {
    return this.sandbox.databases;
  }

  /** The Django runner, once it has loaded the project. */
  runner(): Promise<DjangoRunner> {
    return this.starting;
  }

  /** After the clone: the observers' connection to the work database, and the observers on it. */
  async openObservers(): Promise<Observers> {
    const client = new pg.Client(pgConfig(this.sandbox.conn(this.databases.work), 'rehearse-observer'));
    // A server going away (an interrupt) must surface on the next query, not crash the process.
    client.on('error', () => {});
    await client.connect();
    this.cleanup.add('observer connection', () => client.end().catch(() => {}));
    // Fresh counters on every read, not a per-transaction cache.
    await client.query('SET stats_fetch_consistency = none');
    // The comparisons hash-join the snapshot's hashes with whole tables: in memory, not in batches on disk.
    await client.query("SET work_mem = '64MB'");
    this.client = client;
    this.watchers = new Observers({
      client, work: this.sandbox.conn(this.databases.work), template: this.sandbox.conn(this.databases.template),
      invariants: this.config.invariants, events: this.events, runner: () => this.runner(),
      ...(this.config.probeTraffic ? { probe: this.sandbox.conn(this.databases.work) } : {}),
    });
    const watchers = this.watchers;
    this.cleanup.add('observers', () => watchers.close());
    return watchers;
  }

  /** The observers' connection; only after openObservers(). */
  get observerClient(): pg.Client {
    if (!this.client) throw new Error('the observers are not open yet: the restore step comes first');
    return this.client;
  }

  get observers(): Observers {
    if (!this.watchers) throw new Error('the observers are not open yet: the restore step comes first');
    return this.watchers;
  }

  /** With --keep: say how to reach the sandbox, and hold it until Ctrl-C (unless it outlives us). */
  async holdOpen(): Promise<void> {
    const { template, work } = this.databases;
    if (this.sandbox.survivesExit) {
      this.events.phase('keep', `the databases stay on the server: ${this.sandbox.describe(work)} (the untouched snapshot is ${template}); ` +
        'drop them with `rehearse doctor --clean --server-url URL`');
      return;
    }
    this.events.phase('keep', `the sandbox stays up: ${this.sandbox.describe(work)} ` +
      `(the untouched snapshot is ${template}); press Ctrl-C to tear it down`);
    if (this.cleanup.interrupted) return;
    await new Promise<void>((resolve) => this.cleanup.onInterrupt(() => resolve()));
  }
}
