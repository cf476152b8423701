// A step of a rehearsal: restore, baseline, forward, backward, reforward, and a
// playbook's migrate-to-a-target, management command, SQL, checkpoint, expect. Steps
// run one after another against the session (../pipeline.ts); each kind lives in
// its own file here and is registered in ./index.ts. A step drives the run (it
// migrates, it records outcomes); watching is the observers' job, which the
// pipeline does around every change a step makes.
import type { ManageResult } from '../django/runner.js';
import type { Change, Checkpoint, StepSummary } from '../observe/observer.js';
import type { Events } from '../report/events.js';
import type { RunState } from '../run-state.js';
import type { Session } from '../session.js';

import type { StepKind } from './kinds.js';

export type { StepKind };

export interface Step {
  readonly kind: StepKind;
  run(ctx: StepContext): Promise<void>;
}

/** What a step gets: the session, what earlier steps learned, and the observed ways to change the database. */
export interface StepContext {
  readonly session: Session;
  readonly state: RunState;
  readonly events: Events;
  /** The observers read the snapshot as restored (once, before any change). */
  observeBaseline(): Promise<void>;
  /** Run one change with every observer around it. */
  change(change: Change, run: () => Promise<ManageResult>): Promise<ManageResult>;
  /** A migrating step is over. */
  stepEnded(summary: StepSummary): Promise<void>;
  /** Check now (a playbook's checkpoint or expectation). */
  checkpoint(point: Checkpoint): Promise<boolean>;
}
