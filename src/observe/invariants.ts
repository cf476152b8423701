// A playbook's SQL invariants, evaluated on the work database in a read-only
// transaction: on the snapshot first (an invariant that is already false there is
// not the release's doing), then after each migrating step or at each checkpoint
// it names, and wherever an `expect` step asks for it. Only what
// the query returned as a verdict (a number, a boolean, a row count) is kept,
// never row contents.
import type pg from 'pg';
import { MIGRATING, type Invariant } from '../playbook/schema.js';
import type { MigratePhase } from '../report/events.js';
import type { Checkpoint, Observer, StepSummary } from './observer.js';

/** When an invariant was checked: on the snapshot, after a migrating step, or at a playbook's checkpoint or expectation. */
export type When = 'snapshot' | MigratePhase | string;

export interface InvariantResult {
  name: string;
  when: When;
  holds: boolean;
  /** What was seen: "returned 3", "returned false", "returned 12 rows", or the error. */
  saw: string;
  error?: { message: string; sqlstate?: string };
  /** Checked by an `expect` step: it must hold, whatever the snapshot said. */
  expected?: boolean;
}

export class InvariantWatch implements Observer {
  readonly name = 'invariants';
  readonly results: InvariantResult[] = [];

  constructor(
    private readonly client: pg.Client,
    private readonly invariants: readonly Invariant[],
  ) {}

  /** On the snapshot: the invariants checked after a migrating step (one only a checkpoint names may need what a step makes). */
  async baseline(): Promise<void> {
    for (const inv of this.invariants.filter((i) => i.after.some((a) => (MIGRATING as readonly string[]).includes(a)))) {
      this.results.push(await evaluate(this.client, inv, 'snapshot'));
    }
  }

  async stepEnded(summary: StepSummary): Promise<void> {
    for (const inv of this.invariants.filter((i) => i.after.includes(summary.phase))) {
      this.results.push(await evaluate(this.client, inv, summary.phase));
    }
  }

  /** False when any invariant checked here does not hold. */
  async checkpoint(point: Checkpoint): Promise<boolean> {
    const from = this.results.length;
    const due = point.expect
      ? this.invariants.filter((i) => point.expect!.length === 0 || point.expect!.includes(i.name))
      : this.invariants.filter((i) => i.after.includes(point.name));
    for (const name of point.expect ?? []) {
      if (!this.invariants.some((i) => i.name === name)) {
        this.results.push({ name, when: point.name, holds: false, saw: 'no invariant of that name in the playbook', expected: true });
      }
    }
    for (const inv of due) this.results.push({ ...(await evaluate(this.client, inv, point.name)), ...(point.expect ? { expected: true } : {}) });
    return this.results.slice(from).every((r) => r.holds);
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
