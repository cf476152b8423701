// The lifecycle every command that judges a release shares (run, playbook,
// plan, interactive): signals, the progress view, the report built from the
// work's events, the report files and the summary, --keep, teardown, and the
// exit code. The work itself is handed in.
import { Cleanup } from '../cleanup.js';
import { diskFull } from '../disk-full.js';
import { InterruptedError, TimedOutError, UsageError, exitCodeOf, oneLine } from '../errors.js';
import { ReportBuilder } from '../report/builder.js';
import { Events } from '../report/events.js';
import { githubOutputs } from '../report/github.js';
import { glyphsFor } from '../report/glyphs.js';
import { LiveProgress } from '../report/live.js';
import { renderMarkdown } from '../report/markdown.js';
import type { Finding, Report } from '../report/model.js';
import type { RunState } from '../run-state.js';
import { PlainProgress, silentProgress, type Renderer } from '../report/progress.js';
import { renderSummary } from '../report/summary.js';
import { prepareReportDir } from '../report/dir.js';
import { attachDiffs, writeReportDir } from '../report/write.js';
import type { Session } from '../session.js';

export interface OutputFlags {
  reportDir?: string;
  /** --timeout SECONDS: the whole run. */
  timeout?: string;
  format: string;
  quiet?: boolean;
  verbose?: boolean;
  keep?: boolean;
}

/** The terminal, for work that stops to ask a person (the interactive pause). */
export interface Terminal {
  /** Stop drawing progress: the terminal is the caller's until `resume`. */
  suspend(): Promise<void>;
  resume(): void;
}

/** The work: emits events; returns the session (for --keep and a review) and whether warnings fail. */
export type Work = (cleanup: Cleanup, events: Events, terminal: Terminal) => Promise<{ session?: Session; state?: RunState; failOnWarnings: boolean }>;

/**
 * After the summary, before teardown: a person's review of the result (browse,
 * keep, re-run, approve). May change the report (an approval); the files are
 * written again after it.
 */
export type Review = (report: Report, ctx: ReviewContext) => Promise<void>;

export interface ReviewContext {
  session: Session | undefined;
  state: RunState | undefined;
  cleanup: Cleanup;
  /** A finding's schema diff, if it has one. */
  patchOf(f: Finding): string | undefined;
}

export async function runLifecycle(flags: OutputFlags, work: Work, review?: Review): Promise<number> {
  const cleanup = new Cleanup();
  const uninstall = cleanup.installSignalHandlers();
  const events = new Events();
  const builder = new ReportBuilder(events);
  const started = Date.now();
  const json = flags.format === 'json';
  const renderer = pickRenderer(flags, json);
  events.on((e) => renderer.handle(e));
  const place = whereNow(events);
  let kind: string | undefined;
  events.on((e) => {
    if (e.type === 'sandbox') kind = e.kind;
  });
  const sandboxKind = () => kind;
  let deadline: NodeJS.Timeout | undefined;
  let session: Session | undefined;
  let state: RunState | undefined;
  try {
    if (flags.reportDir) prepareReportDir(flags.reportDir);
    const limit = seconds('--timeout', flags.timeout);
    if (limit) {
      deadline = setTimeout(() => cleanup.abort(new TimedOutError(`the rehearsal went past --timeout ${limit} s${place()}; everything was torn down`)), limit * 1000);
    }
    const done = await work(cleanup, events, {
      suspend: async () => renderer.suspend?.(),
      resume: () => renderer.resume?.(),
    });
    session = done.session;
    state = done.state;
    builder.conclude(attachDiffs(builder.findings, flags.reportDir), done.failOnWarnings);
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
    // A timeout tore everything down: whatever was waiting failed; the timeout is the reason.
    const first = cleanup.aborted ?? err;
    const cause = diskFull(oneLine(first), sandboxKind()) ?? first;
    builder.fail(oneLine(cause), exitCodeOf(cause));
    if (process.env.REHEARSE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  }
  clearTimeout(deadline);
  const report = builder.report;
  report.durationMs = Date.now() - started;
  const markdown = renderMarkdown(report);
  if (flags.reportDir) {
    events.phase('reports', flags.reportDir);
    await holdForFaultTests(cleanup);
    writeReports(report, flags.reportDir, markdown);
  }
  // With --keep the summary comes first and the sandbox stays up until Ctrl-C;
  // otherwise everything is torn down before the summary, which ends the output.
  const keep = flags.keep && session && report.verdict !== 'error' ? session : undefined;
  // A review works on the sandbox as the run left it: teardown waits for it.
  const reviewing = review && report.verdict !== 'error' ? review : undefined;
  if (!keep && !reviewing) await teardown(cleanup, events);
  await renderer.close?.();
  // Annotations are workflow commands on stdout, except where stdout is the JSON report.
  githubOutputs(report, markdown, process.env, (s) => (json ? process.stderr : process.stdout).write(s));
  if (json) {
    /* report.json goes out after the review, which may add an approval */
  } else if (report.verdict === 'error') process.stderr.write(`rehearse: ${report.error}\n`);
  else {
    process.stdout.write(renderSummary(report, {
      quiet: flags.quiet ?? false, verbose: flags.verbose ?? false, color: useColor(), glyphs: glyphsFor(process.env),
      width: process.stdout.isTTY ? process.stdout.columns : 120, reportDir: flags.reportDir,
    }));
  }
  if (reviewing) {
    try {
      await reviewWith(reviewing, report, builder, { session, state, cleanup });
    } catch (err) {
      if (!cleanup.interrupted) throw err;
      await teardown(cleanup, events);
      uninstall();
      process.stderr.write(`rehearse: ${oneLine(new InterruptedError(cleanup.interrupted))}; everything was torn down\n`);
      return new InterruptedError(cleanup.interrupted).exitCode;
    }
    if (flags.reportDir) writeReports(report, flags.reportDir, renderMarkdown(report));
  }
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  if (keep) await keep.holdOpen();
  if (keep || reviewing) await teardown(cleanup, events);
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

function pickRenderer(flags: OutputFlags, json: boolean): Renderer {
  if (flags.quiet || json) return silentProgress;
  if (forAPerson(process.stderr)) return new LiveProgress(flags.verbose);
  return new PlainProgress(process.stderr, flags.verbose);
}

export async function teardown(cleanup: Cleanup, events: Events): Promise<void> {
  if (cleanup.pending > 0) events.phase('teardown');
  const errors = await cleanup.drain();
  for (const e of errors) process.stderr.write(`rehearse: teardown: ${e}\n`);
}

/** Hand the report to the review, with each finding's schema diff at hand. */
function reviewWith(review: Review, report: Report, builder: ReportBuilder, ctx: Omit<ReviewContext, 'patchOf'>): Promise<void> {
  const same = (a: Finding, b: Finding) => a.code === b.code && a.message === b.message && a.app === b.app && a.migration === b.migration;
  return review(report, { ...ctx, patchOf: (f) => builder.findings.find((x) => same(x, f))?.patch?.text });
}

/** The report files; a disk that fails now (full, gone) is one line and exit 3, and teardown still runs. */
function writeReports(report: Report, dir: string, markdown: string): void {
  try {
    writeReportDir(report, dir, markdown);
  } catch (err) {
    process.stderr.write(`rehearse: cannot write the reports to ${dir}: ${oneLine(err)}\n`);
    report.exitCode = 3;
  }
}

/**
 * Writing the reports takes milliseconds, too quick for a test to interrupt it
 * there on purpose; REHEARSE_TEST_HOLD_REPORTS_MS holds the run at that point
 * (test/integration/signals.test.ts) until the time is up or a signal comes.
 */
function holdForFaultTests(cleanup: Cleanup): Promise<void> {
  const ms = Number(process.env.REHEARSE_TEST_HOLD_REPORTS_MS ?? 0);
  if (!ms) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    const off = cleanup.onInterrupt(done);
    function done() {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}

/** A whole number of seconds from a flag; anything else is a usage error. */
export function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} ${value}: expected a whole number of seconds`);
  return n;
}

/** Where the run is now, for a timeout's message: the phase, and the migration operation running. */
function whereNow(events: Events): () => string {
  let phase: string | undefined;
  let op: { app: string; migration: string; describe: string } | undefined;
  events.on((e) => {
    if (e.type === 'phase') [phase, op] = [e.phase, undefined];
    if (e.type === 'operation') op = e.state === 'started' ? e : undefined;
  });
  return () => (phase ? ` (in ${phase}${op ? `, at ${op.app}.${op.migration}: ${op.describe}` : ''})` : '');
}
