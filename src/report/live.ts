// The live view on a terminal: listr2 shows each phase as it runs (sandbox,
// restore with its progress, baseline, every migration forward with its time,
// checks, backward, reforward, teardown). Each phase is its own one-task list,
// drawn when the phase begins and finished when the next one does; so the view
// can be suspended (the terminal handed to a prompt or a psql shell, in the
// interactive mode) and resumed, and a playbook that comes back to a phase just
// draws it again. Drawn on stderr: stdout stays for the summary.
import { Listr, PRESET_TIMER, ProcessOutput, type ListrTaskWrapper } from 'listr2';
import type { PhaseName, RunEvent } from './events.js';
import { stepLine, type Renderer } from './progress.js';

const TITLES: Record<PhaseName, string> = {
  sandbox: 'Start a throwaway PostgreSQL',
  restore: 'Restore the snapshot',
  django: 'Load the Django project',
  baseline: 'Read the snapshot\'s schema',
  forward: 'Migrate forward',
  backward: 'Migrate back to the snapshot\'s state',
  reforward: 'Migrate forward again',
  checks: 'Check what was seen',
  reports: 'Write the reports',
  keep: 'Sandbox kept open',
  teardown: 'Tear down',
};

/** One phase on screen: a list of one task that lasts until `end`. */
class PhaseView {
  private task: ListrTaskWrapper<unknown, any, any> | undefined;
  private pending: string | undefined;
  private end!: () => void;
  readonly done: Promise<unknown>;

  constructor(readonly name: PhaseName, title: string) {
    const ended = new Promise<void>((r) => (this.end = r));
    const migrating = name === 'forward' || name === 'backward' || name === 'reforward';
    this.done = new Listr([{
      title,
      task: async (_ctx: unknown, task: ListrTaskWrapper<unknown, any, any>) => {
        this.task = task;
        if (this.pending) task.output = this.pending;
        await ended;
      },
      rendererOptions: { persistentOutput: true, outputBar: migrating ? Infinity : 1 },
    }], {
      exitOnError: false,
      rendererOptions: { timer: PRESET_TIMER, formatOutput: 'wrap', processOutput: new ProcessOutput(process.stderr, process.stderr) },
    }).run().catch(() => {});
  }

  show(text: string): void {
    if (this.task) this.task.output = text;
    else this.pending = text;
  }

  async finish(): Promise<void> {
    this.end();
    await this.done;
  }
}

export class LiveProgress implements Renderer {
  private view: PhaseView | undefined;
  /** Phase changes are drawn in order, each after the last one's final frame. */
  private chain: Promise<void> = Promise.resolve();
  private suspended: { name: PhaseName } | undefined;
  /** After close (a review holds the sandbox; teardown comes later): one plain line per phase. */
  private closed = false;

  constructor(private readonly verbose = false) {}

  handle(e: RunEvent): void {
    if (e.type === 'phase') return this.phase(e.phase, e.detail);
    if (e.type === 'tick') return this.show(e.text);
    if (e.type === 'django-output') {
      if (this.verbose) for (const line of e.text.split('\n')) if (line.trim()) this.show(`| ${line}`);
      return;
    }
    const line = stepLine(e);
    if (line) this.show(line);
  }

  private phase(name: PhaseName, detail?: string): void {
    if (this.closed) return void process.stderr.write(`${TITLES[name]}${detail ? `: ${detail}` : ''}\n`);
    this.chain = this.chain.then(async () => {
      await this.view?.finish();
      this.view = new PhaseView(name, detail ? `${TITLES[name]}: ${detail}` : TITLES[name]);
    });
  }

  private show(text: string): void {
    void this.chain.then(() => this.view?.show(text));
  }

  /** Finish drawing, so a prompt or a shell can have the terminal; `resume` draws the phase again. */
  async suspend(): Promise<void> {
    await this.chain;
    if (!this.view) return;
    this.suspended = { name: this.view.name };
    await this.view.finish();
    this.view = undefined;
  }

  resume(): void {
    if (!this.suspended) return;
    const { name } = this.suspended;
    this.suspended = undefined;
    this.phase(name, 'continued');
  }

  /** End the current phase and wait for the last frame. */
  async close(): Promise<void> {
    this.closed = true;
    await this.chain;
    await this.view?.finish();
    this.view = undefined;
  }
}
