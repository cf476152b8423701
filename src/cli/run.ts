// `rehearse run`: argument handling and the run's lifecycle (signals, teardown,
// reports, exit code). The rehearsal itself lives in ../rehearsal.ts.
import { Cleanup } from '../cleanup.js';
import type { SandboxKind } from '../sandbox/start.js';
import { InterruptedError, UsageError, exitCodeOf, oneLine } from '../errors.js';
import { loadPlaybook } from '../playbook/load.js';
import { MIGRATION_REF, TABLE_REF } from '../playbook/schema.js';
import { newReport, prepare, rehearse, settle } from '../rehearsal.js';
import { PlainProgress, silentProgress, type Progress } from '../report/progress.js';
import { LiveProgress } from '../report/live.js';
import { renderSummary } from '../report/summary.js';
import { attachDiffs, writeReportDir } from '../report/write.js';
import { githubOutputs } from '../report/github.js';
import { renderMarkdown } from '../report/markdown.js';

export interface RunFlags {
  project: string;
  snapshot?: string;
  python?: string;
  settings?: string;
  reportDir?: string;
  allowLoss: string[];
  allowIrreversible: string[];
  playbook?: string;
  pgBin?: string;
  keep?: boolean;
  sandbox: string;
  serverUrl?: string;
  image?: string;
  dockerNetwork?: string;
  format: string;
  quiet?: boolean;
  verbose?: boolean;
}

export async function runCommand(flags: RunFlags): Promise<number> {
  const cleanup = new Cleanup();
  const uninstall = cleanup.installSignalHandlers();
  const report = newReport();
  const started = Date.now();
  const json = flags.format === 'json';
  const progress = pickProgress(flags, json);
  let keepOpen: (() => Promise<void>) | undefined;
  try {
    if (!flags.snapshot) throw new UsageError('--snapshot FILE is required');
    for (const m of flags.allowIrreversible) {
      if (!MIGRATION_REF.test(m)) throw new UsageError(`--allow-irreversible ${m}: expected APP.MIGRATION`);
    }
    for (const t of flags.allowLoss) {
      if (!TABLE_REF.test(t)) throw new UsageError(`--allow-loss ${t}: expected TABLE or TABLE.COLUMN`);
    }
    const playbook = loadPlaybook(flags.playbook);
    const policy = {
      allowLoss: [...playbook.policy.allowLoss, ...flags.allowLoss],
      allowIrreversible: [...playbook.policy.allowIrreversible, ...flags.allowIrreversible],
    };
    const opts = {
      project: flags.project,
      snapshot: flags.snapshot,
      playbook,
      policy,
      ...(flags.python ? { python: flags.python } : {}),
      ...(flags.settings ? { settings: flags.settings } : {}),
      ...(flags.pgBin ? { pgBin: flags.pgBin } : {}),
      ...(flags.keep ? { keep: true } : {}),
      sandbox: flags.sandbox as SandboxKind,
      ...(flags.serverUrl ? { serverUrl: flags.serverUrl } : {}),
      ...(flags.image ? { image: flags.image } : {}),
      ...(flags.dockerNetwork ? { dockerNetwork: flags.dockerNetwork as 'bridge' | 'host' } : {}),
    };
    const prep = await prepare(opts);
    const result = await rehearse(opts, prep, cleanup, progress, report);
    keepOpen = result.keepOpen;
    settle(report, attachDiffs(result.findings, flags.reportDir));
  } catch (err) {
    const interrupted = cleanup.interrupted;
    if (err instanceof UsageError || interrupted) {
      await teardown(cleanup, progress);
      await progress.close?.();
      uninstall();
      const e = interrupted ? new InterruptedError(interrupted) : err;
      process.stderr.write(`rehearse: ${interrupted ? `${oneLine(e)}; everything was torn down` : oneLine(e)}\n`);
      return exitCodeOf(e);
    }
    report.verdict = 'error';
    report.exitCode = exitCodeOf(err);
    report.error = oneLine(err);
    if (process.env.REHEARSE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  }
  report.durationMs = Date.now() - started;
  const markdown = renderMarkdown(report);
  if (flags.reportDir) writeReportDir(report, flags.reportDir, markdown);
  // With --keep the summary comes first and the sandbox stays up until Ctrl-C;
  // otherwise everything is torn down before the summary, which ends the output.
  if (!keepOpen) await teardown(cleanup, progress);
  await progress.close?.();
  // Annotations are workflow commands on stdout, except where stdout is the JSON report.
  githubOutputs(report, markdown, process.env, (s) => (json ? process.stderr : process.stdout).write(s));
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (report.verdict === 'error') process.stderr.write(`rehearse: ${report.error}\n`);
  else process.stdout.write(renderSummary(report, { quiet: flags.quiet ?? false, color: useColor(), reportDir: flags.reportDir }));
  if (keepOpen) {
    await keepOpen();
    await teardown(cleanup, progress);
  }
  uninstall();
  if (cleanup.interrupted && !keepOpen) return new InterruptedError(cleanup.interrupted).exitCode;
  return report.exitCode;
}

/** Colour and the live view only for a person at a terminal: never in CI, never with NO_COLOR. */
function forAPerson(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && !process.env.CI;
}

function useColor(): boolean {
  return forAPerson(process.stdout);
}

function pickProgress(flags: RunFlags, json: boolean): Progress {
  if (flags.quiet || json) return silentProgress;
  if (forAPerson(process.stderr)) return new LiveProgress(flags.verbose);
  return new PlainProgress(process.stderr, flags.verbose);
}

async function teardown(cleanup: Cleanup, progress: Progress): Promise<void> {
  if (cleanup.pending > 0) progress.phase('teardown');
  const errors = await cleanup.run();
  for (const e of errors) process.stderr.write(`rehearse: teardown: ${e}\n`);
}
