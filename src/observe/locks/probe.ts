// --probe-traffic: while a migration runs, a second connection does what the
// application would, every 50 ms at most, on each table the migration's SQL
// names: a primary-key SELECT and a no-op UPDATE ... WHERE false, each with a
// 20 ms lock_timeout. Whatever had to wait shows how long reads and writes
// would have queued behind the migration's locks, with live traffic. This one
// is sampled: the report gives the interval.
import pg from 'pg';
import { ident, pgConfig, qualified } from '../../db.js';
import type { ConnInfo } from '../../sandbox/provider.js';

export interface ProbeTable {
  schema: string;
  name: string;
  /** A primary-key column to look up by. */
  key: string;
}

export interface ProbeResult {
  table: string;
  /** Time reads and writes were seen waiting, in ms: blocked probes times the interval. */
  readsQueuedMs: number;
  writesQueuedMs: number;
  /** How often the table was probed, on average (ms). */
  intervalMs: number;
  samples: number;
}

const INTERVAL_MS = 50;

export class TrafficProbe {
  private client: pg.Client | undefined;
  private running: Promise<ProbeResult[]> | undefined;
  private stopped = false;

  constructor(private readonly conn: ConnInfo) {}

  async open(): Promise<void> {
    this.client = new pg.Client(pgConfig(this.conn, 'rehearse-probe'));
    this.client.on('error', () => {});
    await this.client.connect();
    await this.client.query("SET lock_timeout = '20ms'; SET statement_timeout = '1s'");
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
    await this.client?.end().catch(() => {});
  }

  start(tables: ProbeTable[]): void {
    this.stopped = false;
    this.running = this.loop(tables);
  }

  async stop(): Promise<ProbeResult[]> {
    this.stopped = true;
    return (await this.running) ?? [];
  }

  private async loop(tables: ProbeTable[]): Promise<ProbeResult[]> {
    const stats = tables.map((t) => ({ t, reads: 0, writes: 0, samples: 0 }));
    const started = Date.now();
    while (!this.stopped && this.client && tables.length) {
      const round = Date.now();
      for (const s of stats) {
        s.samples++;
        if (await this.blocked(`SELECT 1 FROM ${qualified(s.t)} WHERE ${ident(s.t.key)} IS NULL`)) s.reads++;
        if (await this.blocked(`UPDATE ${qualified(s.t)} SET ${ident(s.t.key)} = ${ident(s.t.key)} WHERE false`)) s.writes++;
      }
      const left = INTERVAL_MS - (Date.now() - round);
      if (left > 0 && !this.stopped) await new Promise((r) => setTimeout(r, left));
    }
    const elapsed = Date.now() - started;
    return stats.map((s) => {
      const interval = s.samples ? elapsed / s.samples : INTERVAL_MS;
      return { table: s.t.name, readsQueuedMs: Math.round(s.reads * interval), writesQueuedMs: Math.round(s.writes * interval), intervalMs: Math.round(interval), samples: s.samples };
    });
  }

  /** Whether the query had to give up waiting for a lock. */
  private async blocked(sql: string): Promise<boolean> {
    try {
      await this.client!.query(sql);
      return false;
    } catch (err) {
      return (err as { code?: string }).code === '55P03';
    }
  }
}
