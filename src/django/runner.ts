// The TypeScript side of python/runner.py: one long-lived Python process per
// rehearsal, started through execa, that runs the project's manage.py with
// Django pointed at the sandbox. Requests go in on stdin; replies and operation
// events come back on fd 3, each validated against ./protocol.ts on arrival.
import { createInterface } from 'node:readline';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { scrubbedEnv } from '../env.js';
import { z } from 'zod';
import { CannotRehearseError } from '../errors.js';
import { packagePath } from '../package-root.js';
import type { Cleanup } from '../cleanup.js';
import type { ConnInfo } from '../sandbox/provider.js';
import { SHIM_MODULE } from './shim.js';
import type { Introspection, MigrationKey } from './introspection.js';
import {
  IntrospectionSchema, MessageSchema, ModelsSchema, SqlPlanSchema,
  type ManageResult, type ModelTable, type OperationEvent, type PyError, type Reply, type SqlPlan,
} from './protocol.js';

export type { ManageResult, ModelTable, OperationEvent, PyError, SqlPlan };

const RUNNER_PY = packagePath('python', 'runner.py');

export interface RunnerOptions {
  python: string;
  managePy: string;
  shimDir: string;
  /** --settings: the project's settings module, overriding manage.py's choice. */
  settings?: string;
  cleanup: Cleanup;
  /** Called with every chunk of Django's own output (for --verbose). */
  onLog?: (text: string) => void;
  /** Called as each operation of a migration starts and finishes. */
  onOperation?: (e: OperationEvent) => void;
  /** `plan`: no database; this JSON file holds the recorded history (see python/rehearse_runner/offline.py). */
  offline?: string;
  /** The database Django is given: DATABASE_URL and the like in its environment point there too. */
  database: ConnInfo;
}

/** Error types python/runner.py sends in its hello when the interpreter cannot serve at all. */
const RUNNER_REFUSALS = new Set(['DjangoMissing', 'DjangoTooOld']);

function spawnRunner(python: string, managePy: string, env: Record<string, string>, database: ConnInfo) {
  return execa(python, [RUNNER_PY, managePy], {
    cwd: path.dirname(managePy),
    // Nothing that could point a client at another database reaches the project's code.
    env: scrubbedEnv(env, database),
    extendEnv: false,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    reject: false,
    buffer: false,
  });
}
type RunnerProcess = ReturnType<typeof spawnRunner>;

async function isPython3(python: string): Promise<boolean> {
  const r = await execa(python, ['-c', 'import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)'], { reject: false, timeout: 10_000 });
  return r.exitCode === 0;
}

export class DjangoRunner {
  private readonly waiting: Array<{ resolve: (v: Reply) => void; reject: (e: Error) => void }> = [];
  private stderrTail = '';
  private exited = false;
  /** A migrate has run Django's system checks and passed them. */
  private checked = false;

  private constructor(
    private readonly proc: RunnerProcess,
    private readonly opts: RunnerOptions,
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
    if (opts.offline) env.REHEARSE_OFFLINE = opts.offline;
    const runner = new DjangoRunner(spawnRunner(opts.python, opts.managePy, env, opts.database), opts);
    // On an interrupt there is no point waiting for a migration to finish.
    opts.cleanup.add('django runner', () => runner.stop(opts.cleanup.interrupted || opts.cleanup.aborted ? 0 : 5000));
    runner.listen();
    const hello = await runner.next().catch(async (err: unknown) => {
      // It stopped before saying hello: a wrong --python is the likely cause, and worth a precise line.
      if (!(await isPython3(opts.python))) throw new CannotRehearseError(`--python ${opts.python} is not a Python 3 interpreter`);
      throw err;
    });
    if (hello.type !== 'hello' || !hello.ready) {
      const e = 'error' in hello ? hello.error : undefined;
      // The runner's own refusals (no Django, too old) are whole sentences already.
      if (e && RUNNER_REFUSALS.has(e.type)) throw new CannotRehearseError(e.message);
      throw new CannotRehearseError(`the Django project could not be loaded: ${e?.type ?? 'error'}: ${e?.message ?? ''}`.trim());
    }
    return runner;
  }

  private listen(): void {
    const { proc, opts } = this;
    createInterface({ input: proc.stdio[3] as Readable }).on('line', (line) => this.receive(line));
    proc.stdout?.on('data', (c: Buffer) => opts.onLog?.(djangoLines(c.toString('utf8'))));
    proc.stderr?.on('data', (c: Buffer) => {
      const text = c.toString('utf8');
      this.stderrTail = (this.stderrTail + text).slice(-8000);
      opts.onLog?.(djangoLines(text));
    });
    proc.catch(() => {});
    void proc.then((r) => {
      this.exited = true;
      const why = r.failed && r.exitCode === undefined ? (r.shortMessage ?? 'it could not start') : `exit ${r.exitCode}`;
      const tail = this.stderrTail.trim().split('\n').filter(Boolean).slice(-1)[0];
      const err = new CannotRehearseError(`the Django project stopped (${why})${tail ? `: ${tail}` : ''}`);
      for (const w of this.waiting.splice(0)) w.reject(err);
    });
  }

  /** One line from fd 3: an operation event, or the reply to the oldest request. */
  private receive(line: string): void {
    let msg;
    try {
      msg = MessageSchema.parse(JSON.parse(line));
    } catch (e) {
      const w = this.waiting.shift();
      w?.reject(new CannotRehearseError(`the Django runner sent a malformed message: ${(e as Error).message.split('\n')[0]}`));
      return;
    }
    if (msg.type === 'operation') return this.opts.onOperation?.(msg);
    this.waiting.shift()?.resolve(msg);
  }

  private next(): Promise<Reply> {
    if (this.exited) return Promise.reject(new CannotRehearseError('the Django project has stopped'));
    return new Promise<Reply>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private async request(cmd: object): Promise<Reply> {
    const answer = this.next();
    this.proc.stdin!.write(JSON.stringify(cmd) + '\n');
    return answer;
  }

  private async data<T>(cmd: string | object, schema: z.ZodType<T>, what: string): Promise<T> {
    const r = await this.request(typeof cmd === 'string' ? { cmd } : cmd);
    if (r.type !== 'answer' || !r.ok) {
      const e = 'error' in r ? r.error : undefined;
      throw new CannotRehearseError(`${what}: ${e?.type ?? 'error'}: ${e?.message ?? ''}`);
    }
    const parsed = schema.safeParse(r.data);
    if (!parsed.success) throw new CannotRehearseError(`${what}: the runner's answer is malformed (${parsed.error.issues[0]?.message})`);
    return parsed.data;
  }

  introspect(): Promise<Introspection> {
    return this.data('introspect', IntrospectionSchema, 'Django could not load the migrations');
  }

  appliedRows(): Promise<MigrationKey[]> {
    return this.data('applied', z.array(z.tuple([z.string(), z.string()])), 'cannot read django_migrations');
  }

  /** What the release's models need: managed tables and their columns, on the default database. */
  models(): Promise<ModelTable[]> {
    return this.data('models', ModelsSchema, 'cannot read the models');
  }

  /** The SQL every pending migration would run, forward and backward, per operation. */
  sqlPlan(): Promise<SqlPlan> {
    return this.data('sqlplan', SqlPlanSchema, 'cannot collect the migrations\' SQL');
  }

  /** What `migrate APP TARGET` would do from the database's state now: each migration, and whether it is reverted. */
  planTo(app: string, target: string): Promise<Array<[app: string, name: string, backwards: boolean]>> {
    return this.data({ cmd: 'planto', app, target }, z.array(z.tuple([z.string(), z.string(), z.boolean()])), `cannot plan migrate ${app} ${target}`);
  }

  /**
   * `manage.py migrate APP TARGET --noinput`, the real command, in the long-lived
   * process. Django's system checks run until one migrate has passed them: they
   * read the project's code, which this process imported once, so later steps
   * skip them (on a large project they cost more than a small migration).
   */
  async migrate(app: string, target: string): Promise<ManageResult> {
    const r = await this.manage(['migrate', app, target, '--noinput', ...(this.checked ? ['--skip-checks'] : [])]);
    if (r.ok) this.checked = true;
    return r;
  }

  /** Any `manage.py` command, in the long-lived process. */
  async manage(argv: string[]): Promise<ManageResult> {
    const r = await this.request({ cmd: 'manage', argv });
    if (r.type !== 'managed') throw new CannotRehearseError(`the Django runner answered manage ${argv[0]} with "${r.type}"`);
    if (r.output) this.opts.onLog?.(djangoLines(r.output));
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
