// A person at a terminal: the run is driven in tmux (a real TTY) and the screen
// is read for the live phases and the summary table.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, PYTHON } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';
import { snapshotFor } from '../helpers/snapshots.js';

const hasTmux = (await execa('tmux', ['-V'], { reject: false })).exitCode === 0;
if (!hasTmux) console.warn('NOTICE: tmux is not installed; the TTY test is skipped');

const work = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-tty-'));
const session = `rehearse-${process.pid}`;
afterAll(async () => {
  await execa('tmux', ['kill-session', '-t', session], { reject: false });
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!hasTmux)('on a terminal', () => {
  it('shows the phases live, then the summary table', async () => {
    const project = makeProject('remove-field');
    const done = path.join(work, 'exit-code');
    const cmd = [BIN, 'run', '--project', project, '--snapshot', snapshotFor('remove-field'), '--python', PYTHON,
      '--report-dir', path.join(work, 'r')].map((a) => `'${a}'`).join(' ');
    await execa('tmux', ['new-session', '-d', '-s', session, '-x', '200', '-y', '60',
      `env -u CI -u NO_COLOR TERM=xterm-256color LANG=C.UTF-8 XDG_CACHE_HOME='${path.join(work, 'cache')}' ${cmd}; echo $? > '${done}'; sleep 600`]);
    const screens: string[] = [];
    for (let i = 0; i < 600 && !existsSync(done); i++) {
      screens.push((await execa('tmux', ['capture-pane', '-p', '-t', session])).stdout);
      await new Promise((r) => setTimeout(r, 100));
    }
    const final = (await execa('tmux', ['capture-pane', '-p', '-t', session, '-S', '-200'])).stdout;
    rmSync(project, { recursive: true, force: true });
    expect(readFileSync(done, 'utf8').trim()).toBe('1');
    // Live: some frame showed a phase still running (listr2's pending/spinner marks).
    expect(screens.some((s) => /Migrate forward/.test(s))).toBe(true);
    expect(final).toMatch(/✔ Migrate forward/);
    expect(final).toMatch(/› ✓ shop\.0003_remove_customer_phone/);
    expect(final).toMatch(/✔ Tear down/);
    expect(final).toMatch(/rehearse: FAIL \(exit 1\)/);
    // The summary: the migration's block, its phases on the header line, its findings grouped by code.
    expect(final).toMatch(/shop\.0003_remove_customer_phone +forward ✓ \d+ ms · backward ↩ \d+ ms · reforward ✓ \d+ ms/);
    expect(final).toMatch(/DATA_LOSS_COLUMN +shop_customer\.phone 450/);
    expect(final).toMatch(/FAIL: do not deploy/);
  });
});
