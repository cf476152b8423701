// Runs the real CLI (bin/rehearse, built dist/) the way a pipeline would, in a
// private TMPDIR so that the test can prove nothing was left behind.
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { Report } from '../../src/report/model.js';
import { BIN, PYTHON } from './paths.js';
import { makeProject } from './project.js';
import { snapshotFor } from './snapshots.js';
import { mountsUnder } from '../../src/sandbox/local/overlay.js';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  report: Report | undefined;
  reportDir: string;
  /** Entries left in the run's TMPDIR, and postgres processes started there. */
  leftovers: string[];
  /** Every file the run wrote to its --report-dir, concatenated (report.*, junit.xml, diffs). */
  reportText: string;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
    ? filesUnder(path.join(dir, e.name)) : [readFileSync(path.join(dir, e.name), 'utf8')]));
}

/** `tmp`: the run's TMPDIR, made by the caller (a small disk, a path with spaces); by default a fresh one. */
export async function runCli(args: string[], env: Record<string, string> = {}, opts: { tmp?: string } = {}): Promise<CliRun> {
  const { work, tmp: own } = await scratchRun('run');
  const tmp = opts.tmp ?? own;
  const reportDir = path.join(work, 'reports');
  const r = await execa(BIN, args.map((a) => a.replace('{reports}', reportDir)), {
    reject: false,
    env: { TMPDIR: tmp, CI: 'true', ...env },
  });
  const reportFile = path.join(reportDir, 'report.json');
  const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as Report) : undefined;
  const leftovers = await leftIn(tmp);
  const reportText = filesUnder(reportDir).join('\n');
  rmSync(work, { recursive: true, force: true });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, report, reportDir, leftovers, reportText };
}

export async function postgresUnder(dir: string): Promise<string[]> {
  const r = await execa('pgrep', ['-af', `postgres.*${dir}`], { reject: false });
  return r.stdout.split('\n').filter((l) => l.trim() && !l.includes('pgrep'));
}

export function rehearseArgs(project: string, snapshot: string, extra: string[] = [], command: string[] = ['run']): string[] {
  return [...command, '--project', project, '--snapshot', snapshot, '--python', PYTHON, '--report-dir', '{reports}', ...extra];
}

/**
 * Rehearse a scenario (base project + overlay) on its snapshot, and assert that
 * nothing outlived the run. Projects are removed by `cleanupProjects`.
 */
const projects: string[] = [];
export async function rehearseScenario(scenario: string, extra: string[] = [], env: Record<string, string> = {}, command: string[] = ['run']): Promise<CliRun> {
  const project = makeProject(scenario);
  projects.push(project);
  const r = await runCli(rehearseArgs(project, snapshotFor(scenario), extra, command), env);
  if (r.leftovers.length) throw new Error(`left behind after ${scenario}: ${r.leftovers.join(', ')}`);
  return r;
}

export function cleanupProjects(): void {
  for (const p of projects.splice(0)) rmSync(p, { recursive: true, force: true });
}

export interface Interrupted {
  r: Awaited<ReturnType<typeof execa>>;
  /** From the act to the run's exit. */
  elapsed: number;
  /** Entries left in the run's TMPDIR, postgres processes started there, and the project's Django runners still alive. */
  left: string[];
}

/**
 * Start a run in a TMPDIR of its own, wait until its progress shows `ready`
 * (and `settle` ms more, to be inside that phase's work), `act` on it (a
 * signal, a fault from outside), and collect what outlived it. `detached`: in a
 * process group of its own, like a terminal's foreground job.
 */
export async function actDuring(o: {
  project: string; snapshot: string; ready: RegExp; settle?: number; extra?: string[]; env?: Record<string, string>; detached?: boolean;
}, act: (pid: number, tmp: string) => Promise<void> | void): Promise<Interrupted> {
  const scratch = await scratchRun('act');
  const { work, tmp } = scratch;
  const child = spawnRun(o.project, o.snapshot, scratch, o);
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`never saw ${o.ready}: ${stderr}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (o.ready.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await new Promise((r) => setTimeout(r, o.settle ?? 500));
  await act(child.pid!, tmp);
  const started = Date.now();
  const r = await child;
  const elapsed = Date.now() - started;
  const runners = (await execa('pgrep', ['-af', `runner.py ${o.project}`], { reject: false })).stdout.split('\n').filter((l) => l && !l.includes('pgrep'));
  const left = [...(await leftIn(tmp)), ...runners];
  rmSync(work, { recursive: true, force: true });
  return { r, elapsed, left };
}

/**
 * `rehearse run` of `project` on `snapshot` in a scratch run's TMPDIR, its
 * --report-dir `work/<reports>` (default r), as a pipeline would start it: the
 * child, not awaited. `detached`: in a process group of its own.
 */
export function spawnRun(project: string, snapshot: string, scratch: { work: string; tmp: string },
  o: { reports?: string; extra?: string[]; env?: Record<string, string>; detached?: boolean } = {}) {
  return execa(BIN, rehearseArgs(project, snapshot, o.extra).map((a) => a.replace('{reports}', path.join(scratch.work, o.reports ?? 'r'))),
    { reject: false, detached: o.detached ?? false, env: { TMPDIR: scratch.tmp, CI: 'true', ...o.env } });
}

/** What runs left in a TMPDIR: its entries, and postgres processes started there. */
export async function leftIn(tmp: string): Promise<string[]> {
  return [...readdirSync(tmp), ...(await postgresUnder(tmp)), ...mountsUnder(tmp).filter((m) => m.point !== tmp).map((m) => `mount ${m.point}`)];
}

/**
 * A scratch dir for one run, and its TMPDIR inside: reachable by the postgres
 * user when the tests run as root (755), and a TMPDIR every user may write (1777).
 */
export async function scratchRun(name: string): Promise<{ work: string; tmp: string }> {
  const work = mkdtempSync(path.join(os.tmpdir(), `rehearse-test-${name}-`));
  chmodSync(work, 0o755);
  const tmp = path.join(work, 'tmp');
  await execa('mkdir', ['-m', '1777', tmp]);
  return { work, tmp };
}
