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
import type { RunState } from './run-state.js';
import type { Session } from './session.js';

/** Called after every change, once the observers have seen it: a person may pause the run here (interactive mode). */
export type PauseHook = (at: { change: Change; ok: boolean; session: Session; state: RunState }) => Promise<void>;

export class Pipeline implements StepContext {
  constructor(
    readonly session: Session,
    readonly state: RunState,
    readonly events: Events,
    private readonly pause?: PauseHook,
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
    try {
      r = await this.events.timed('migrateMs', run);
    } finally {
      this.session.changing = undefined;
    }
    const outcome: ChangeOutcome = { ok: r.ok, ms: r.ms, ...(r.error ? { error: stepErrorOf(r.error) } : {}), ...(r.trace ? { trace: r.trace } : {}) };
    const at = await this.moment();
    for (const o of this.observers) if (o.after) await this.observe(() => o.after!(change, outcome, at));
    if (this.pause) await this.pause({ change, ok: r.ok, session: this.session, state: this.state });
    return r;
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
