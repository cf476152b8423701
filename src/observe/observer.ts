// What watches a rehearsal. The pipeline (../pipeline.ts) calls every observer
// at the same points, in the same order, with one shared reading of the catalog
// per point; observers never drive the run and steps never call an observer.
// A new observer is one file implementing this and one line in ./index.ts.
import type { Trace } from '../django/protocol.js';
import type { MigratePhase } from '../report/events.js';
import type { StepError } from '../report/model.js';
import type { Moment } from './catalog.js';

/** What a change is: a plan entry applied, reverted or applied again, or a playbook's command (a management command, SQL that writes). */
export type ChangePhase = MigratePhase | 'command';

/** One database-changing command: `manage.py migrate APP TARGET` for one plan entry, or a playbook's command. */
export interface Change {
  phase: ChangePhase;
  /** The plan entry it applies or reverts; for a command, -1 for the first, -2 for the second... */
  index: number;
  app: string;
  migration: string;
  /** What `migrate` was given: the migration itself, or its parent to revert it. */
  target: string;
}

export interface ChangeOutcome {
  ok: boolean;
  ms: number;
  error?: StepError;
  /** Every statement the change ran, with the locks it took (python/rehearse_runner/trace.py). */
  trace?: Trace;
}

/** How a migrating step ended, for the observers that judge a whole phase. */
export interface StepSummary {
  phase: MigratePhase;
  /** Every change of the step ran. */
  complete: boolean;
  /** The plan index where the step stopped (a failed or irreversible change). */
  stoppedAt?: number;
  /** At least one change succeeded. */
  anyDone: boolean;
}

export interface Checkpoint {
  name: string;
  /** An `expect` step: these invariants (all, when empty) must hold now. */
  expect?: string[];
}

export interface Observer {
  readonly name: string;
  /** The snapshot as restored, before any change. */
  baseline?(at: Moment): Promise<void>;
  /** Just before a change runs (a lock probe starts here). */
  before?(change: Change): Promise<void>;
  /** Just after a change ran, failed or not. */
  after?(change: Change, outcome: ChangeOutcome, at: Moment): Promise<void>;
  /** A migrating step (forward, backward, reforward) is over. */
  stepEnded?(summary: StepSummary, at: Moment): Promise<void>;
  /** A playbook's checkpoint or expectation: check now (the invariants it names, or those whose `after` names it). */
  checkpoint?(point: Checkpoint, at: Moment): Promise<boolean>;
  /** The run is over: release what the observer holds (connections, pools). */
  close?(): Promise<void>;
}
