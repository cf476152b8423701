// A playbook's SQL invariants, evaluated on the work database in a read-only
// transaction: on the snapshot first (an invariant that is already false there is
// not the release's doing), then after each migrating step it names. Only what
// the query returned as a verdict (a number, a boolean, a row count) is kept,
// never row contents.
import type pg from 'pg';
import type { Invariant } from '../playbook/schema.js';
import type { MigratePhase } from '../report/events.js';
import type { Observer, StepSummary } from './observer.js';

export type When = 'snapshot' | MigratePhase;

export interface InvariantResult {
  name: string;
  when: When;
  holds: boolean;
  /** What was seen: "returned 3", "returned false", "returned 12 rows", or the error. */
  saw: string;
  error?: { message: string; sqlstate?: string };
}

export class InvariantWatch implements Observer {
  readonly name = 'invariants';
  readonly results: InvariantResult[] = [];

  constructor(
    private readonly client: pg.Client,
    private readonly invariants: readonly Invariant[],
  ) {}

  async baseline(): Promise<void> {
    for (const inv of this.invariants) this.results.push(await evaluate(this.client, inv, 'snapshot'));
  }

  async stepEnded(summary: StepSummary): Promise<void> {
    for (const inv of this.invariants.filter((i) => i.after.includes(summary.phase))) {
      this.results.push(await evaluate(this.client, inv, summary.phase));
    }
  }
}

export async function evaluate(client: pg.Client, inv: Invariant, when: When): Promise<InvariantResult> {
  const base = { name: inv.name, when };
  try {
    await client.query("BEGIN READ ONLY; SET LOCAL statement_timeout = '60s'");
    const r = await client.query({ text: inv.sql, rowMode: 'array' });
    if (inv.expect === 'no-rows') {
      return { ...base, holds: r.rows.length === 0, saw: `returned ${r.rows.length} row${r.rows.length === 1 ? '' : 's'}` };
    }
    const v = (r.rows[0] as unknown[] | undefined)?.[0];
    if (inv.expect === 'true') return { ...base, holds: v === true, saw: `returned ${v === true ? 'true' : v === false ? 'false' : 'no boolean'}` };
    const n = v === null || v === undefined ? NaN : Number(v);
    return { ...base, holds: n === 0, saw: Number.isFinite(n) ? `returned ${n}` : 'returned no number' };
  } catch (err) {
    const e = err as Error & { code?: string };
    return { ...base, holds: false, saw: 'failed', error: { message: e.message, ...(e.code ? { sqlstate: e.code } : {}) } };
  } finally {
    await client.query('ROLLBACK').catch(() => {});
  }
}
