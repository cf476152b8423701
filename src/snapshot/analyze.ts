// Planner statistics for the restored template. Production has them and a
// restore brings none: without them the migrations' own queries plan
// differently, and table sizes are unknown. A plain ANALYZE after the restore
// cost 0.6 s of a 5 s restore here (0.34 s of it one wide table with text).
//
// So tables are analyzed while the restore is still running: one whose data is
// in, whenever a pg_restore worker is idle. The restore's tail is the biggest
// table's index builds, one after another (pg_restore does not run items that
// lock each other at once), with the other cores idle. ANALYZE and an index
// build on one table exclude each other: a table being indexed is skipped
// (lock_timeout), and analyzed with what is left at the end, over a few
// connections. At worst a worker's next item on a table waits for one ANALYZE.
import pg from 'pg';
import { pgConfig } from '../db.js';
import type { ConnInfo } from '../sandbox/provider.js';

/** Relations a plain ANALYZE takes (foreign tables only when named), by name. */
const ANALYZABLE = `SELECT c.oid::int8 AS oid, format('%I.%I', n.nspname, c.relname) AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'm', 'p') AND c.relpersistence <> 't'`;

export class Analyzer {
  /** Tags (pg_restore's names) of tables whose data is in, not analyzed yet. */
  private readonly loaded: string[] = [];
  private readonly analyzed = new Set<string>();
  private client: pg.Client | undefined;
  private running: Promise<void> = Promise.resolve();
  private finishing = false;

  /** `duringRestore`: false, and everything is analyzed after the restore. */
  constructor(private readonly conn: ConnInfo, private readonly duringRestore = true) {}

  /** pg_restore finished a TABLE DATA item (its tag is the table's name, without the schema). */
  dataLoaded(tag: string): void {
    this.loaded.push(tag);
  }

  /** A pg_restore worker has nothing to do: analyze what is loaded, one table at a time. */
  workerIdle(): void {
    if (!this.duringRestore || this.finishing || !this.loaded.length) return;
    this.running = this.running.then(() => this.drain());
  }

  private async drain(): Promise<void> {
    while (this.loaded.length && !this.finishing) {
      const tag = this.loaded.shift()!;
      try {
        const c = await this.session();
        const r = await c.query<{ oid: string; name: string }>(`${ANALYZABLE} AND c.relname = $1`, [tag]);
        for (const { oid, name } of r.rows) {
          if (this.analyzed.has(oid)) continue;
          await c.query(`ANALYZE ${name}`);
          this.analyzed.add(oid);
        }
      } catch {
        // Locked (a worker builds its indexes), or failed: the final pass analyzes it, and reports errors.
      }
    }
  }

  /**
   * One connection, whose ANALYZE gives up on a table a worker holds (an index
   * build) rather than wait, and make the worker's next item wait behind it.
   */
  private async session(): Promise<pg.Client> {
    if (!this.client) {
      const c = new pg.Client(pgConfig(this.conn, 'rehearse-restore'));
      c.on('error', () => {});
      this.client = c;
      await c.connect();
      await c.query("SET lock_timeout = '20ms'");
    }
    return this.client;
  }

  /** After the restore: analyze every relation not analyzed yet, over `jobs` connections, biggest first (so that they end together). */
  async finish(jobs: number): Promise<void> {
    this.finishing = true;
    await this.running;
    await this.close();
    const pool = new pg.Pool({ ...pgConfig(this.conn, 'rehearse-restore'), max: Math.max(1, jobs) });
    pool.on('error', () => {});
    try {
      const all = await pool.query<{ oid: string; name: string }>(`${ANALYZABLE} ORDER BY pg_relation_size(c.oid) DESC`);
      await Promise.all(all.rows.filter((r) => !this.analyzed.has(r.oid)).map((r) => pool.query(`ANALYZE ${r.name}`)));
    } finally {
      await pool.end().catch(() => {});
    }
  }

  /** The restore failed or was stopped: let go of the server. */
  async close(): Promise<void> {
    this.finishing = true;
    await this.client?.end().catch(() => {});
    this.client = undefined;
  }
}
