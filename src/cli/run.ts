// `rehearse run`: argument handling and the run's lifecycle (signals, teardown,
// reports, exit code). The rehearsal itself lives in ../rehearsal.ts.
import { Cleanup } from '../cleanup.js';
import { InterruptedError, UsageError, exitCodeOf, oneLine } from '../errors.js';
import { loadPlaybook } from '../playbook/load.js';
import { newReport, prepare, rehearse, settle } from '../rehearsal.js';
import { PlainProgress, silentProgress } from '../report/progress.js';
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
  const progress = flags.quiet || json ? silentProgress : new PlainProgress(process.stderr, flags.verbose);
  let keepOpen: (() => Promise<void>) | undefined;
  try {
    if (!flags.snapshot) throw new UsageError('--snapshot FILE is required');
    if (!['text', 'json'].includes(flags.format)) throw new UsageError(`--format ${flags.format}: expected text or json`);
    for (const m of flags.allowIrreversible) {
      if (!/^[A-Za-z_]\w*\.\w+$/.test(m)) throw new UsageError(`--allow-irreversible ${m}: expected APP.MIGRATION`);
    }
    for (const t of flags.allowLoss) {
      if (!/^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*){0,2}$/.test(t)) throw new UsageError(`--allow-loss ${t}: expected TABLE or TABLE.COLUMN`);
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
    };
    const prep = await prepare(opts);
    const result = await rehearse(opts, prep, cleanup, progress, report);
    keepOpen = result.keepOpen;
    settle(report, attachDiffs(result.findings, flags.reportDir));
  } catch (err) {
    const interrupted = cleanup.interrupted;
    if (err instanceof UsageError || interrupted) {
      await teardown(cleanup, progress);
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
  // Annotations are workflow commands on stdout, except where stdout is the JSON report.
  githubOutputs(report, markdown, process.env, (s) => (json ? process.stderr : process.stdout).write(s));
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (report.verdict === 'error') process.stderr.write(`rehearse: ${report.error}\n`);
  else process.stdout.write(renderSummary(report, { quiet: flags.quiet ?? false }));
  if (keepOpen) await keepOpen();
  await teardown(cleanup, progress);
  uninstall();
  if (cleanup.interrupted && !keepOpen) return new InterruptedError(cleanup.interrupted).exitCode;
  return report.exitCode;
}

async function teardown(cleanup: Cleanup, progress: { phase(n: string, d?: string): void }): Promise<void> {
  if (cleanup.pending > 0) progress.phase('teardown');
  const errors = await cleanup.run();
  for (const e of errors) process.stderr.write(`rehearse: teardown: ${e}\n`);
}
