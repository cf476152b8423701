// The lifecycle every command that judges a release shares (run, playbook,
// plan, interactive): signals, the progress view, the report built from the
// work's events, the report files and the summary, --keep, teardown, and the
// exit code. The work itself is handed in.
import { Cleanup } from '../cleanup.js';
import { InterruptedError, UsageError, exitCodeOf, oneLine } from '../errors.js';
import { ReportBuilder } from '../report/builder.js';
import { Events } from '../report/events.js';
import { githubOutputs } from '../report/github.js';
import { glyphsFor } from '../report/glyphs.js';
import { LiveProgress } from '../report/live.js';
import { renderMarkdown } from '../report/markdown.js';
import type { Report } from '../report/model.js';
import { PlainProgress, silentProgress, type Renderer } from '../report/progress.js';
import { renderSummary } from '../report/summary.js';
import { attachDiffs, writeReportDir } from '../report/write.js';
import type { Session } from '../session.js';

export interface OutputFlags {
  reportDir?: string;
  format: string;
  quiet?: boolean;
  verbose?: boolean;
  keep?: boolean;
}

/** The work: emits events; returns the session (for --keep and a review) and whether warnings fail. */
export type Work = (cleanup: Cleanup, events: Events) => Promise<{ session?: Session; failOnWarnings: boolean }>;

/**
 * After the summary, before teardown: a person's review of the result (browse,
 * keep, re-run, approve). May change the report (an approval); the files are
 * written again after it.
 */
export type Review = (report: Report, session: Session | undefined, cleanup: Cleanup) => Promise<void>;

export async function runLifecycle(flags: OutputFlags, work: Work, review?: Review): Promise<number> {
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
    const done = await work(cleanup, events);
    session = done.session;
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
  // A review works on the sandbox as the run left it: teardown waits for it.
  const reviewing = review && report.verdict !== 'error' ? review : undefined;
  if (!keep && !reviewing) await teardown(cleanup, events);
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
  if (reviewing) {
    await reviewing(report, session, cleanup);
    if (flags.reportDir) writeReportDir(report, flags.reportDir, renderMarkdown(report));
  }
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
