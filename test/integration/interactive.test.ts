// A person at the terminal, driven in tmux with keystrokes: `rehearse` with no
// command offers the snapshots it found, shows the plan, and rehearses the
// chosen target with a pause after each migration; at the pause a psql shell
// runs a query on the work database; afterwards the sandbox is kept until
// Enter. Then nothing may be left running. And `run --approve` asks "deploy
// anyway?" on a terminal and records the answer.
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/model.js';
import { BIN, PYTHON } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';
import { snapshotFor } from '../helpers/snapshots.js';

const hasTmux = (await execa('tmux', ['-V'], { reject: false })).exitCode === 0;
if (!hasTmux) console.warn('NOTICE: tmux is not installed; the interactive tests are skipped');

const work = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-interactive-'));
chmodSync(work, 0o755); // the sandbox runs as the postgres user when the tests run as root
mkdirSync(path.join(work, 'tmp'));
chmodSync(path.join(work, 'tmp'), 0o1777);
const sessions: string[] = [];
afterAll(async () => {
  for (const s of sessions) await execa('tmux', ['kill-session', '-t', s], { reject: false });
  rmSync(work, { recursive: true, force: true });
});

/** A tmux session running `command` in `cwd`; its exit code lands in a file. */
async function terminal(name: string, cwd: string, command: string) {
  const session = `rehearse-${name}-${process.pid}`;
  sessions.push(session);
  const done = path.join(work, `${name}.exit`);
  await execa('tmux', ['new-session', '-d', '-s', session, '-x', '180', '-y', '50',
    `cd '${cwd}' && env -u CI -u NO_COLOR TERM=xterm-256color LANG=C.UTF-8 TMPDIR='${path.join(work, 'tmp')}' XDG_CACHE_HOME='${path.join(work, 'cache')}' ${command}; echo $? > '${done}'; sleep 600`]);
  const screen = async () => (await execa('tmux', ['capture-pane', '-p', '-t', session, '-S', '-300'])).stdout;
  return {
    screen,
    /** Wait until the screen shows `pattern` (the prompt is up), then press `keys`. */
    async at(pattern: RegExp, ...keys: string[]): Promise<void> {
      for (let i = 0; i < 300; i++) {
        if (pattern.test(await screen())) break;
        await new Promise((r) => setTimeout(r, 100));
        if (i === 299) throw new Error(`never saw ${pattern}; the screen:\n${await screen()}`);
      }
      for (const k of keys) {
        await execa('tmux', ['send-keys', '-t', session, ...(k.startsWith('=') ? ['-l', k.slice(1)] : [k])]);
        await new Promise((r) => setTimeout(r, 150));
      }
    },
    async exitCode(): Promise<number> {
      for (let i = 0; i < 300 && !existsSync(done); i++) await new Promise((r) => setTimeout(r, 100));
      return Number(readFileSync(done, 'utf8').trim());
    },
  };
}

/** Postgres servers started under this test's TMPDIR, psql shells, and what is left in that TMPDIR. */
async function leftovers(): Promise<string[]> {
  const tmp = path.join(work, 'tmp');
  const procs = (await execa('pgrep', ['-af', `postgres.*${tmp}|/bin/psql$`], { reject: false })).stdout.split('\n').filter((l) => l.trim() && !l.includes('pgrep'));
  return [...readdirSync(tmp), ...procs];
}

describe.skipIf(!hasTmux)('interactive', () => {
  it('choose a target, pause after a step, psql a query, continue, keep the sandbox, Enter: nothing left', async () => {
    const project = makeProject('remove-field');
    mkdirSync(path.join(project, 'snapshots'));
    cpSync(snapshotFor('remove-field'), path.join(project, 'snapshots', 'prod.dump'));
    const t = await terminal('flow', project, `'${BIN}' --python '${PYTHON}' --report-dir '${path.join(work, 'r')}'`);
    await t.at(/Django project: .*\(Y\/n\)/, 'Enter');
    await t.at(/Settings module/, 'Enter');
    await t.at(/Which snapshot\?[\s\S]*snapshots\/prod\.dump · custom · [\d.]+ KB · PostgreSQL \d+/, 'Enter');
    // The plan, with the operation and its static risks, then the target.
    await t.at(/What to rehearse\?/);
    expect(await t.screen()).toMatch(/shop\.0003_remove_customer_phone\n\s+Remove field phone from customer/);
    await t.at(/What to rehearse\?/, 'Down', 'Down', 'Enter'); // a rollback drill
    await t.at(/Roll back to which recorded state\?/, 'Enter'); // the snapshot's
    await t.at(/Checks and policy/, 'Enter');
    await t.at(/Lock budget/, 'Enter');
    await t.at(/Pause during the run\?/, 'Down', 'Enter'); // after each migration
    await t.at(/Start the rehearsal\?/, 'Enter');
    await t.at(/Paused after forward shop\.0003_remove_customer_phone: done/, 'Down', 'Down', 'Enter'); // psql
    await t.at(/rehearse_work=#/, '=SELECT count(*) AS customers FROM shop_customer', '=\\g', 'Enter');
    await t.at(/customers\s*\n-+\s*\n\s*500/, '=\\q', 'Enter');
    await t.at(/Paused after forward[\s\S]*\\q[\s\S]*Paused after forward/, 'Enter'); // continue
    await t.at(/Paused after backward/, 'Enter');
    await t.at(/Paused after reforward/, 'Enter');
    await t.at(/What now\?/);
    const summary = await t.screen();
    expect(summary).toMatch(/DATA_LOSS_COLUMN +shop_customer\.phone 450/);
    expect(summary).toMatch(/a rollback of this release would take ~\d+\.\d s/);
    await t.at(/What now\?/, 'Down', 'Enter'); // keep the sandbox
    await t.at(/DATABASE_URL=postgresql:\/\/[^@]+@127\.0\.0\.1:\d+\/rehearse_work[\s\S]*Press Enter to tear it down/);
    expect((await leftovers()).length).toBeGreaterThan(0); // the sandbox is up while kept
    await t.at(/Press Enter to tear it down/, 'Enter');
    expect(await t.exitCode()).toBe(1);
    const report = JSON.parse(readFileSync(path.join(work, 'r', 'report.json'), 'utf8')) as Report;
    expect(report.steps?.map((s) => s.step)).toEqual(['checkpoint deployed', 'checkpoint rolled-back']);
    expect(await leftovers()).toEqual([]);
    rmSync(project, { recursive: true, force: true });
  });

  it('run --approve on a terminal asks "deploy anyway?", and the answer decides the exit and is recorded', async () => {
    const project = makeProject('remove-field');
    const reports = path.join(work, 'approve');
    const t = await terminal('approve', project, `'${BIN}' run --snapshot '${snapshotFor('remove-field')}' --python '${PYTHON}' --report-dir '${reports}' --approve`);
    await t.at(/The gate says FAIL\. Deploy anyway\? \(y\/N\)/, '=y', 'Enter');
    expect(await t.exitCode()).toBe(0);
    const report = JSON.parse(readFileSync(path.join(reports, 'report.json'), 'utf8')) as Report;
    expect(report.verdict).toBe('fail');
    expect(report.approval).toEqual(expect.objectContaining({ approved: true, verdict: 'fail', by: expect.stringContaining(os.userInfo().username) }));
    expect(await leftovers()).toEqual([]);
    rmSync(project, { recursive: true, force: true });
  });
});
