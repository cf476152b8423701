// The lock and timing observer. At the baseline it collects the SQL every
// pending migration would run (sqlmigrate, both directions) and lints it
// (src/lint/). Around every change it reads the WAL position, and afterwards
// turns the change's trace into per-table locks (analysis.ts), marks the tables
// the change rewrote, and, with --probe-traffic, how long live reads and writes
// had to wait. What it saw goes to the report as an event and to the checks.
import type pg from 'pg';
import type { DjangoRunner } from '../../django/runner.js';
import { lintPlan, type LintResult } from '../../lint/index.js';
import type { Events } from '../../report/events.js';
import type { ConnInfo, TableFiles } from '../../sandbox/provider.js';
import type { Moment, TableInfo } from '../catalog.js';
import type { Change, ChangeOutcome, ChangePhase, Observer } from '../observer.js';
import { analyse, type TraceAnalysis } from './analysis.js';
import { filesOpened, mergeReach, type Reach } from './files-opened.js';
import { TrafficProbe, type ProbeResult } from './probe.js';

export interface StepLocks extends TraceAnalysis {
  phase: ChangePhase;
  /** The plan entry. */
  index: number;
  app: string;
  migration: string;
  ms: number;
  /** WAL the change wrote, in bytes. */
  walBytes: number;
  probe?: ProbeResult[];
}

export type { LintResult };

export interface LockFacts {
  steps: StepLocks[];
  lint: LintResult[];
}

export class LockWatch implements Observer {
  readonly name = 'locks';
  private readonly steps: StepLocks[] = [];
  private lints: LintResult[] = [];
  private tables = new Map<number, TableInfo>();
  private lsn = '';
  private readonly probe: TrafficProbe | undefined;
  /** Tables each migration's SQL names, for the probe. */
  private named = new Map<string, Set<string>>();
  /** The files of each table that the pending migrations' SQL opens, either way. */
  private readonly opened = new Map<string, Reach>();

  constructor(
    private readonly client: pg.Client,
    private readonly runner: () => Promise<DjangoRunner>,
    private readonly events: Events,
    probe: ConnInfo | undefined,
  ) {
    this.probe = probe && new TrafficProbe(probe);
  }

  async baseline(at: Moment): Promise<void> {
    this.tables = await at.tables();
    const plan = await (await this.runner()).sqlPlan();
    this.lints = lintPlan(plan);
    for (const m of plan) {
      const names = new Set<string>();
      for (const s of [...m.forward.statements, ...m.backward.statements]) {
        for (const t of s.sql.matchAll(/(?:TABLE|ON|INTO|UPDATE|FROM)\s+(?:ONLY\s+)?"([^"]+)"/gi)) names.add(t[1]!);
        mergeReach(this.opened, filesOpened(s.sql));
      }
      this.named.set(`${m.app}.${m.name}`, names);
    }
    await this.probe?.open();
  }

  /** The tables whose files the pending migrations' SQL opens, either way (with their indexes or not). */
  tablesOpened(): TableFiles[] {
    return [...this.opened].map(([name, reach]) => ({ name, withIndexes: reach === 'all' }));
  }

  async before(change: Change): Promise<void> {
    this.lsn = (await this.client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
    if (this.probe) this.probe.start(this.probeTables(change));
  }

  async after(change: Change, outcome: ChangeOutcome, at: Moment): Promise<void> {
    const probe = await this.probe?.stop();
    const wal = await this.client.query<{ n: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::int8 AS n', [this.lsn]);
    const now = await at.tables();
    const rewritten = new Set([...now.values()].filter((t) => this.tables.get(t.oid) && this.tables.get(t.oid)!.filenode !== t.filenode)
      .map((t) => `${t.schema}.${t.name}`));
    this.tables = now;
    if (!outcome.trace) return;
    const step: StepLocks = {
      phase: change.phase, index: change.index, app: change.app, migration: change.migration, ms: outcome.ms,
      walBytes: Number(wal.rows[0]!.n), ...analyse(outcome.trace, rewritten), ...(probe ? { probe } : {}),
    };
    await this.fillUnknown(step);
    this.steps.push(step);
    this.events.emit({ type: 'step-traced', step });
  }

  async close(): Promise<void> {
    await this.probe?.close();
  }

  facts(): LockFacts {
    return { steps: this.steps, lint: this.lints };
  }

  /** Locks read from a statement's text (autocommit) carry no size: read it now. */
  private async fillUnknown(step: StepLocks): Promise<void> {
    for (const l of step.locks.filter((x) => x.rows < 0)) {
      const t = [...this.tables.values()].find((x) => x.name === l.table);
      if (!t) continue;
      const r = await this.client.query<{ rows: string; bytes: string }>(
        'SELECT greatest(reltuples, 0)::int8 AS rows, pg_relation_size(oid) AS bytes FROM pg_class WHERE oid = $1', [t.oid]);
      Object.assign(l, { schema: t.schema, rows: Number(r.rows[0]!.rows), bytes: Number(r.rows[0]!.bytes) });
    }
  }

  private probeTables(change: Change) {
    const names = this.named.get(`${change.app}.${change.migration}`) ?? new Set();
    return [...this.tables.values()]
      .filter((t) => names.has(t.name) && t.pk.length === 1)
      .map((t) => ({ schema: t.schema, name: t.name, key: t.columns.get(t.pk[0]!)!.name }));
  }
}
