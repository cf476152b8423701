// `rehearse run`: argument handling and the run's lifecycle (signals, teardown,
// reports, exit code). The rehearsal itself lives in ../rehearsal.ts; the report
// is built from its events (../report/builder.ts).
import { Cleanup } from '../cleanup.js';
import { InterruptedError, UsageError, exitCodeOf, oneLine } from '../errors.js';
import { loadPlaybook } from '../playbook/load.js';
import { COLUMN_REF, MIGRATION_REF, TABLE_REF } from '../playbook/schema.js';
import { prepare, rehearse, type RunOptions } from '../rehearsal.js';
import { ReportBuilder } from '../report/builder.js';
import { Events } from '../report/events.js';
import { PlainProgress, silentProgress, type Renderer } from '../report/progress.js';
import { LiveProgress } from '../report/live.js';
import { renderSummary } from '../report/summary.js';
import { glyphsFor } from '../report/glyphs.js';
import { attachDiffs, writeReportDir } from '../report/write.js';
import { githubOutputs } from '../report/github.js';
import { renderMarkdown } from '../report/markdown.js';
import { providerFor } from '../sandbox/registry.js';
import type { Session } from '../session.js';

export interface RunFlags {
  project: string;
  snapshot?: string;
  python?: string;
  settings?: string;
  reportDir?: string;
  allowLoss: string[];
  allowIrreversible: string[];
  allowOverwrite: string[];
  maxLockMs?: string;
  maxDurationMs?: string;
  probeTraffic?: boolean;
  playbook?: string;
  keep?: boolean;
  sandbox: string;
  format: string;
  quiet?: boolean;
  verbose?: boolean;
  /** Each sandbox provider's own flags (--image, --server-url, --pg-bin ...). */
  [providerFlag: string]: unknown;
}

/** The run's options from the flags; any problem is a usage error (exit 2). */
function optionsOf(flags: RunFlags): RunOptions {
  if (!flags.snapshot) throw new UsageError('--snapshot FILE is required');
  for (const m of flags.allowIrreversible) {
    if (!MIGRATION_REF.test(m)) throw new UsageError(`--allow-irreversible ${m}: expected APP.MIGRATION`);
  }
  for (const t of flags.allowLoss) {
    if (!TABLE_REF.test(t)) throw new UsageError(`--allow-loss ${t}: expected TABLE, TABLE.COLUMN, SCHEMA.TABLE or SCHEMA.TABLE.COLUMN`);
  }
  for (const t of flags.allowOverwrite) {
    if (!COLUMN_REF.test(t)) throw new UsageError(`--allow-overwrite ${t}: expected TABLE.COLUMN or SCHEMA.TABLE.COLUMN`);
  }
  const playbook = loadPlaybook(flags.playbook);
  const provider = providerFor(flags.sandbox);
  return {
    project: flags.project,
    snapshot: flags.snapshot,
    playbook,
    policy: {
      allowLoss: [...playbook.policy.allowLoss, ...flags.allowLoss],
      allowIrreversible: [...playbook.policy.allowIrreversible, ...flags.allowIrreversible],
      allowOverwrite: [...playbook.policy.allowOverwrite, ...flags.allowOverwrite],
      ...budget('--max-lock-ms', flags.maxLockMs, 'maxLockMs', playbook.policy.maxLockMs),
      ...budget('--max-duration-ms', flags.maxDurationMs, 'maxDurationMs', playbook.policy.maxDurationMs),
    },
    ...(flags.probeTraffic ? { probeTraffic: true } : {}),
    provider,
    providerOptions: provider.options(flags),
    ...(flags.python ? { python: flags.python } : {}),
    ...(flags.settings ? { settings: flags.settings } : {}),
    ...(flags.keep ? { keep: true } : {}),
  };
}

/** A budget in ms from its flag (over the playbook's); not a positive whole number is a usage error. */
function budget<K extends string>(flag: string, given: string | undefined, key: K, fromPlaybook: number | undefined): Partial<Record<K, number>> {
  if (given === undefined) return fromPlaybook !== undefined ? ({ [key]: fromPlaybook } as Record<K, number>) : {};
  const n = Number(given);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} ${given}: expected a whole number of milliseconds`);
  return { [key]: n } as Record<K, number>;
}

export async function runCommand(flags: RunFlags): Promise<number> {
  const cleanup = new Cleanup();
  const uninstall = cleanup.installSignalHandlers();
  const events = new Events();
  const builder = new ReportBuilder(events);
  const started = Date.now();
  const json = flags.format === 'json';
  const renderer = pickRenderer(flags, json);
  events.on((e) => renderer.handle(e));
  let session: Session | undefined;
  try {
    const opts = optionsOf(flags);
    session = await rehearse(await prepare(opts), opts, cleanup, events);
    builder.conclude(attachDiffs(builder.findings, flags.reportDir));
  } catch (err) {
    const interrupted = cleanup.interrupted;
    if (err instanceof UsageError || interrupted) {
      await teardown(cleanup, events);
      await renderer.close?.();
      uninstall();
      const e = interrupted ? new InterruptedError(interrupted) : err;
      process.stderr.write(`rehearse: ${interrupted ? `${oneLine(e)}; everything was torn down` : oneLine(e)}\n`);
      return exitCodeOf(e);
    }
    builder.fail(oneLine(err), exitCodeOf(err));
    if (process.env.REHEARSE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  }
  const report = builder.report;
  report.durationMs = Date.now() - started;
  const markdown = renderMarkdown(report);
  if (flags.reportDir) writeReportDir(report, flags.reportDir, markdown);
  // With --keep the summary comes first and the sandbox stays up until Ctrl-C;
  // otherwise everything is torn down before the summary, which ends the output.
  const keep = flags.keep && session && report.verdict !== 'error' ? session : undefined;
  if (!keep) await teardown(cleanup, events);
  await renderer.close?.();
  // Annotations are workflow commands on stdout, except where stdout is the JSON report.
  githubOutputs(report, markdown, process.env, (s) => (json ? process.stderr : process.stdout).write(s));
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (report.verdict === 'error') process.stderr.write(`rehearse: ${report.error}\n`);
  else {
    process.stdout.write(renderSummary(report, {
      quiet: flags.quiet ?? false, verbose: flags.verbose ?? false, color: useColor(), glyphs: glyphsFor(process.env),
      width: process.stdout.isTTY ? process.stdout.columns : 120, reportDir: flags.reportDir,
    }));
  }
  if (keep) {
    await keep.holdOpen();
    await teardown(cleanup, events);
  }
  uninstall();
  if (cleanup.interrupted && !keep) return new InterruptedError(cleanup.interrupted).exitCode;
  return report.exitCode;
}

/** Colour and the live view only for a person at a terminal: never in CI, never with NO_COLOR. */
function forAPerson(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && !process.env.CI;
}

function useColor(): boolean {
  return forAPerson(process.stdout);
}

function pickRenderer(flags: RunFlags, json: boolean): Renderer {
  if (flags.quiet || json) return silentProgress;
  if (forAPerson(process.stderr)) return new LiveProgress(flags.verbose);
  return new PlainProgress(process.stderr, flags.verbose);
}

async function teardown(cleanup: Cleanup, events: Events): Promise<void> {
  if (cleanup.pending > 0) events.phase('teardown');
  const errors = await cleanup.drain();
  for (const e of errors) process.stderr.write(`rehearse: teardown: ${e}\n`);
}
