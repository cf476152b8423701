// The TypeScript side of python/runner.py: one long-lived Python process per
// rehearsal, started through execa, that runs the project's manage.py with
// Django pointed at the sandbox. Requests go in on stdin, answers come back on fd 3.
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { CannotRehearseError } from '../errors.js';
import type { Cleanup } from '../cleanup.js';
import { SHIM_MODULE } from './shim.js';
import type { Introspection } from './introspection.js';

const RUNNER_PY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../python/runner.py');

export interface PyError {
  type: string;
  message: string;
  sqlstate?: string;
  table_name?: string;
  column_name?: string;
  constraint_name?: string;
}

export interface ManageResult {
  ok: boolean;
  ms: number;
  output: string;
  error?: PyError;
}

export interface RunnerOptions {
  python: string;
  managePy: string;
  shimDir: string;
  /** --settings: the project's settings module, overriding manage.py's choice. */
  settings?: string;
  cleanup: Cleanup;
  /** Called with every chunk of Django's own stderr (for --verbose). */
  onLog?: (text: string) => void;
}

function spawnRunner(python: string, managePy: string, env: Record<string, string>) {
  return execa(python, [RUNNER_PY, managePy], {
    cwd: path.dirname(managePy),
    env,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    reject: false,
    buffer: false,
  });
}
type RunnerProcess = ReturnType<typeof spawnRunner>;

export class DjangoRunner {
  private readonly waiting: Array<{ resolve: (v: any) => void; reject: (e: Error) => void }> = [];
  private stderrTail = '';
  private exited = false;

  private constructor(
    private readonly proc: RunnerProcess,
    private readonly onLog?: (text: string) => void,
  ) {}

  static async start(opts: RunnerOptions): Promise<DjangoRunner> {
    const env: Record<string, string> = {
      PYTHONPATH: [opts.shimDir, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
      REHEARSE_SETTINGS_MODULE: SHIM_MODULE,
      PYTHONUNBUFFERED: '1',
      // Leave no __pycache__ behind in the user's project.
      PYTHONDONTWRITEBYTECODE: '1',
    };
    if (opts.settings) env.REHEARSE_ORIGINAL_SETTINGS = opts.settings;
    const proc = spawnRunner(opts.python, opts.managePy, env);
    const runner = new DjangoRunner(proc, opts.onLog);
    // On an interrupt there is no point waiting for a migration to finish.
    opts.cleanup.add('django runner', () => runner.stop(opts.cleanup.interrupted ? 0 : 5000));
    const fd3 = proc.stdio[3] as Readable;
    createInterface({ input: fd3 }).on('line', (line) => {
      const w = runner.waiting.shift();
      if (!w) return;
      try {
        w.resolve(JSON.parse(line));
      } catch (e) {
        w.reject(e as Error);
      }
    });
    const keep = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      runner.stderrTail = (runner.stderrTail + text).slice(-8000);
      opts.onLog?.(djangoLines(text));
    };
    proc.stdout?.on('data', (c: Buffer) => opts.onLog?.(djangoLines(c.toString('utf8'))));
    proc.stderr?.on('data', keep);
    proc.catch(() => {});
    void proc.then((r) => {
      runner.exited = true;
      const why = r.failed && r.exitCode === undefined ? (r.shortMessage ?? 'it could not start') : `exit ${r.exitCode}`;
      const tail = runner.stderrTail.trim().split('\n').filter(Boolean).slice(-1)[0];
      const err = new CannotRehearseError(`the Django project stopped (${why})${tail ? `: ${tail}` : ''}`);
      for (const w of runner.waiting.splice(0)) w.reject(err);
    });
    const hello = await runner.next<{ ready: boolean; error?: PyError }>();
    if (!hello.ready) {
      throw new CannotRehearseError(
        `the Django project could not be loaded: ${hello.error?.type ?? 'error'}: ${hello.error?.message ?? ''}`.trim(),
      );
    }
    return runner;
  }

  private next<T>(): Promise<T> {
    if (this.exited) return Promise.reject(new CannotRehearseError('the Django project has stopped'));
    return new Promise<T>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private async request<T>(cmd: object): Promise<T> {
    const answer = this.next<T>();
    this.proc.stdin!.write(JSON.stringify(cmd) + '\n');
    return answer;
  }

  async introspect(): Promise<Introspection> {
    const r = await this.request<{ ok: boolean; data: Introspection; error?: PyError }>({ cmd: 'introspect' });
    if (!r.ok) {
      throw new CannotRehearseError(`Django could not load the migrations: ${r.error?.type}: ${r.error?.message}`);
    }
    return r.data;
  }

  async appliedRows(): Promise<Array<[string, string]>> {
    const r = await this.request<{ ok: boolean; data: Array<[string, string]>; error?: PyError }>({ cmd: 'applied' });
    if (!r.ok) throw new CannotRehearseError(`cannot read django_migrations: ${r.error?.message}`);
    return r.data;
  }

  /** `manage.py migrate APP TARGET --noinput`, the real command, in the long-lived process. */
  async migrate(app: string, target: string): Promise<ManageResult> {
    const r = await this.request<ManageResult>({ cmd: 'manage', argv: ['migrate', app, target, '--noinput'] });
    if (r.output) this.onLog?.(djangoLines(r.output));
    return r;
  }

  /** Ask the runner to exit; kill it if it has not within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    this.proc.stdin?.end(JSON.stringify({ cmd: 'exit' }) + '\n');
    const done = await Promise.race([
      this.proc.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref()),
    ]);
    if (!done) {
      this.proc.kill('SIGKILL');
      await this.proc;
    }
  }
}

/**
 * Django's own progress lines pass (--verbose); anything else a migration printed
 * may hold row values, so it is only counted.
 */
const DJANGO_LINE = /^\s*(Operations to perform|Apply all migrations|Target specific migration|Running migrations|Unapplying |Applying |Rendering model states|No migrations to apply|Running post-migrate handlers|  Your models in app)/;

export function djangoLines(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim());
  const shown = lines.filter((l) => DJANGO_LINE.test(l));
  const hidden = lines.length - shown.length;
  return [...shown, ...(hidden ? [`(${hidden} other line${hidden === 1 ? '' : 's'} of output hidden: they may hold data)`] : [])].join('\n');
}
