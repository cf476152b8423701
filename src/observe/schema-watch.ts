// The schema fingerprint after every step: the snapshot's, after each migration
// forward and after each is reverted, and after a complete reforward. The
// rollback and reforward checks compare them (see checks/schema-steps.ts).
import type { Moment } from './catalog.js';
import type { Fingerprint } from './fingerprint.js';
import type { Change, ChangeOutcome, Observer, StepSummary } from './observer.js';

export interface SchemaFacts {
  baseline: Fingerprint;
  /** forward[i]: after applying plan entry i (undefined if it did not apply). */
  forward: Array<Fingerprint | undefined>;
  /** backward[i]: after reverting plan entry i (undefined if it was not reverted). */
  backward: Array<Fingerprint | undefined>;
  /** After the whole reforward, if it ran to the end. */
  reforward?: Fingerprint;
  /** After a complete forward run: every table ("schema.table") and its columns. */
  afterForward?: Record<string, string[]>;
}

export class SchemaWatch implements Observer {
  readonly name = 'schema';
  private readonly facts: Partial<SchemaFacts> & Pick<SchemaFacts, 'forward' | 'backward'> = { forward: [], backward: [] };

  async baseline(at: Moment): Promise<void> {
    this.facts.baseline = await at.fingerprint();
  }

  async after(change: Change, outcome: ChangeOutcome, at: Moment): Promise<void> {
    if (!outcome.ok || (change.phase !== 'forward' && change.phase !== 'backward')) return;
    this.facts[change.phase][change.index] = await at.fingerprint();
  }

  async stepEnded(summary: StepSummary, at: Moment): Promise<void> {
    if (summary.phase === 'reforward' && summary.complete) this.facts.reforward = await at.fingerprint();
    if (summary.phase === 'forward' && summary.complete) {
      const tables = await at.tables();
      this.facts.afterForward = Object.fromEntries([...tables.values()].map((t) => [`${t.schema}.${t.name}`, [...t.columns.values()].map((c) => c.name)]));
    }
  }

  /** What was seen; the baseline exists once the pipeline has read it. */
  result(): SchemaFacts | undefined {
    return this.facts.baseline ? (this.facts as SchemaFacts) : undefined;
  }
}
