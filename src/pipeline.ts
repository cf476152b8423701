// Runs a rehearsal's steps one after another against a session, and puts every
// observer around every change a step makes: before it, after it with one shared
// reading of the catalog (a Moment), and at the end of each migrating step.
// This is the only place observers are called, so their order is the run's order.
import type { ManageResult } from './django/runner.js';
import { Moment } from './observe/catalog.js';
import type { Change, ChangeOutcome, Checkpoint, Observer, StepSummary } from './observe/observer.js';
import type { Step, StepContext } from './phases/step.js';
import type { Events } from './report/events.js';
import { stepErrorOf } from './report/model.js';
import { TimedOutError } from './errors.js';
import type { RunState } from './run-state.js';
import type { Session } from './session.js';

/** Called after every change, once the observers have seen it: a person may pause the run here (interactive mode). */
export type PauseHook = (at: { change: Change; ok: boolean; session: Session; state: RunState }) => Promise<void>;

export interface PipelineOptions {
  /** The interactive mode's pause after each change. */
  pause?: PauseHook;
  /** --migration-timeout: a change that runs longer is stopped, and the run with it. */
  migrationTimeoutS?: number;
}

export class Pipeline implements StepContext {
  constructor(
    readonly session: Session,
    readonly state: RunState,
    readonly events: Events,
    private readonly opts: PipelineOptions = {},
  ) {}

  /** Run the steps in order; between steps, an interrupt stops the run. */
  async run(steps: readonly Step[]): Promise<void> {
    for (const step of steps) {
      this.session.cleanup.throwIfInterrupted();
      await step.run(this);
    }
  }

  private get observers(): readonly Observer[] {
    return this.session.observers.all;
  }

  private observe<T>(fn: () => Promise<T>): Promise<T> {
    return this.events.timed('observeMs', fn);
  }

  private moment(): Promise<Moment> {
    return this.observe(() => Moment.now(this.session.observerClient));
  }

  async observeBaseline(): Promise<void> {
    const at = await this.moment();
    for (const o of this.observers) if (o.baseline) await this.observe(() => o.baseline!(at));
  }

  async change(change: Change, run: () => Promise<ManageResult>): Promise<ManageResult> {
    for (const o of this.observers) if (o.before) await this.observe(() => o.before!(change));
    this.session.changing = change.phase === 'command' ? undefined : change.phase;
    let r: ManageResult;
    const limit = this.opts.migrationTimeoutS;
    // A hung migration (a lock wait, a loop) cannot be cancelled from outside Python:
    // the run is torn down, which ends the runner and fails what waits on it.
    const timer = limit ? setTimeout(() => this.timedOut(change, limit), limit * 1000) : undefined;
    try {
      r = await this.events.timed('migrateMs', run);
    } finally {
      clearTimeout(timer);
      this.session.changing = undefined;
    }
    const outcome: ChangeOutcome = { ok: r.ok, ms: r.ms, ...(r.error ? { error: stepErrorOf(r.error) } : {}), ...(r.trace ? { trace: r.trace } : {}) };
    const at = await this.moment();
    for (const o of this.observers) if (o.after) await this.observe(() => o.after!(change, outcome, at));
    if (this.opts.pause) await this.opts.pause({ change, ok: r.ok, session: this.session, state: this.state });
    return r;
  }

  private timedOut(change: Change, limit: number): void {
    const name = change.app ? `${change.app}.${change.migration}` : change.migration;
    const message = `${change.phase} ${name} hung: stopped after ${limit} s (--migration-timeout); everything was torn down`;
    if (change.phase !== 'command') {
      this.state.record(change.phase, change.index, { status: 'failed', ms: limit * 1000, error: { type: 'Timeout', message } });
    }
    this.session.cleanup.abort(new TimedOutError(message));
  }

  /** False when an observer found what was checked not to hold. */
  async checkpoint(point: Checkpoint): Promise<boolean> {
    const at = await this.moment();
    let held = true;
    for (const o of this.observers) if (o.checkpoint && (await this.observe(() => o.checkpoint!(point, at))) === false) held = false;
    return held;
  }

  async stepEnded(summary: StepSummary): Promise<void> {
    const at = await this.moment();
    for (const o of this.observers) if (o.stepEnded) await this.observe(() => o.stepEnded!(summary, at));
  }
}
