// The live view on a terminal: listr2 shows each phase as it runs (sandbox,
// restore with its progress, baseline, every migration forward with its time,
// checks, backward, reforward, teardown). It bridges the run's events to listr2
// tasks that wait for their phase. Drawn on stderr: stdout stays for the summary.
import { Listr, PRESET_TIMER, ProcessOutput, type ListrTaskWrapper } from 'listr2';
import { PHASES, type PhaseName, type RunEvent } from './events.js';
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
  keep: 'Sandbox kept open',
  teardown: 'Tear down',
};

interface Gate {
  start: () => void;
  skip: () => void;
  end: () => void;
  started: Promise<boolean>;
  ended: Promise<void>;
  task?: ListrTaskWrapper<unknown, any, any>;
}

function gate(): Gate {
  let start!: (v: boolean) => void;
  let end!: () => void;
  const started = new Promise<boolean>((r) => (start = r));
  const ended = new Promise<void>((r) => (end = r));
  return { start: () => start(true), skip: () => start(false), end, started, ended };
}

export class LiveProgress implements Renderer {
  private readonly gates = new Map<PhaseName, Gate>(PHASES.map((p) => [p, gate()]));
  private current: PhaseName | undefined;
  private readonly done: Promise<unknown>;

  constructor(private readonly verbose = false) {
    const list = new Listr(
      PHASES.map((p) => ({
        title: TITLES[p],
        task: async (_ctx: unknown, task: ListrTaskWrapper<unknown, any, any>) => {
          const g = this.gates.get(p)!;
          g.task = task;
          if (!(await g.started)) return task.skip(`${TITLES[p]}: not needed`);
          await g.ended;
        },
        rendererOptions: { persistentOutput: true, outputBar: p === 'forward' || p === 'backward' || p === 'reforward' ? Infinity : 1 },
      })),
      {
        concurrent: false,
        exitOnError: false,
        rendererOptions: {
          collapseSubtasks: false,
          timer: PRESET_TIMER,
          formatOutput: 'wrap',
          processOutput: new ProcessOutput(process.stderr, process.stderr),
        },
      },
    );
    this.done = list.run().catch(() => {});
  }

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
    const idx = PHASES.indexOf(name);
    // A playbook may come back to a phase (forward, a command, forward again): its
    // task has ended, so the new part is told inside the phase the run is in.
    if (this.current && idx <= PHASES.indexOf(this.current)) {
      this.show(`${TITLES[name]}${detail ? `: ${detail}` : ''}`);
      return;
    }
    if (this.current) this.gates.get(this.current)!.end();
    // Phases the run passed over are skipped, in order.
    const from = this.current ? PHASES.indexOf(this.current) + 1 : 0;
    for (const p of PHASES.slice(from, idx)) this.gates.get(p)!.skip();
    this.current = name;
    const g = this.gates.get(name)!;
    g.start();
    void g.started.then(() => {
      if (g.task && detail) g.task.title = `${TITLES[name]}: ${detail}`;
    });
  }

  private show(text: string): void {
    const g = this.current ? this.gates.get(this.current) : undefined;
    if (g?.task) g.task.output = text;
  }

  /** End the current phase, skip the rest, and wait for the last frame. */
  async close(): Promise<void> {
    if (this.current) this.gates.get(this.current)!.end();
    const from = this.current ? PHASES.indexOf(this.current) + 1 : 0;
    for (const p of PHASES.slice(from)) this.gates.get(p)!.skip();
    await this.done;
  }
}
