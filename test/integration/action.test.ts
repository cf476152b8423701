// action.yml, run as a GitHub runner runs a composite action: each `run` step
// in order with bash, its `${{ inputs.* }}` and `${{ steps.*.outputs.* }}`
// resolved, GITHUB_ACTION_PATH, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY set. The
// `uses` steps (setup-node, upload-artifact) are GitHub's own: their inputs are
// checked, not run; nor is `npm ci`, which this checkout has already done.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { PYTHON, ROOT } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';
import { snapshotFor } from '../helpers/snapshots.js';

interface Step { id?: string; name?: string; uses?: string; run?: string; if?: string; with?: Record<string, string>; env?: Record<string, string> }
interface Action { inputs: Record<string, { default?: string; required?: boolean }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: Step[] } }

const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as Action;
const work = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-action-'));
const projects: string[] = [];
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  for (const p of projects) rmSync(p, { recursive: true, force: true });
});

/** Resolve ${{ inputs.x }} and ${{ steps.id.outputs.y }} the way the runner does. */
function resolve(text: string, inputs: Record<string, string>, outputs: Record<string, Record<string, string>>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (input) return inputs[input[1]!] ?? action.inputs[input[1]!]?.default ?? '';
    const out = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (out) return outputs[out[1]!]?.[out[2]!] ?? '';
    throw new Error(`unexpected expression ${expr}`);
  });
}

async function runAction(scenario: string, given: Record<string, string>) {
  const project = makeProject(scenario);
  projects.push(project);
  const dir = mkdtempSync(path.join(work, `${scenario}-`));
  const inputs = { project, snapshot: snapshotFor(scenario), python: PYTHON, 'report-dir': path.join(dir, 'reports'), ...given };
  const summary = path.join(dir, 'summary.md');
  writeFileSync(summary, '');
  const outputs: Record<string, Record<string, string>> = {};
  const ran: string[] = [];
  let failed: number | undefined;
  for (const step of action.runs.steps) {
    if (step.uses || /npm ci/.test(step.run ?? '') || (failed !== undefined && step.if !== 'always()')) continue;
    const outFile = path.join(dir, `${step.id ?? 'step'}.out`);
    writeFileSync(outFile, '');
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, resolve(v, inputs, outputs)]));
    const r = await execa('bash', ['-c', resolve(step.run!, inputs, outputs)], {
      reject: false, cwd: dir,
      env: { ...env, GITHUB_ACTION_PATH: ROOT, GITHUB_OUTPUT: outFile, GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true', CI: 'true' },
    });
    ran.push(step.name ?? step.id ?? '');
    if (step.id) outputs[step.id] = Object.fromEntries(readFileSync(outFile, 'utf8').split('\n').filter(Boolean).map((l) => l.split(/=(.*)/) as [string, string]));
    if (r.exitCode !== 0) failed = r.exitCode;
  }
  const output = (name: string) => resolve(action.outputs[name]!.value, inputs, outputs);
  return { dir, inputs, outputs, ran, failed, output, summary: readFileSync(summary, 'utf8') };
}

describe('action.yml', () => {
  it('is a composite action whose GitHub steps get the inputs', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.inputs.snapshot?.required).toBe(true);
    for (const name of ['project', 'python', 'report-dir', 'args']) expect(action.inputs[name]).toBeDefined();
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.if).toBe('always()');
    expect(upload.with?.path).toBe('${{ inputs.report-dir }}');
    expect(action.runs.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!.with?.['node-version']).toBe('${{ inputs.node-version }}');
    expect(action.runs.steps.some((s) => /cd "\$GITHUB_ACTION_PATH" && npm ci/.test(s.run ?? ''))).toBe(true);
  });

  it('runs the gate with its inputs: a failing release fails the step, with reports, outputs and the job summary', async () => {
    const a = await runAction('remove-field', { args: '--allow-irreversible shop.0001_initial' });
    expect(a.failed).toBe(1);
    expect(a.output('exit-code')).toBe('1');
    expect(a.output('verdict')).toBe('fail');
    expect(a.outputs.postgres?.['pg-bin']).toMatch(/\/usr\/lib\/postgresql\/\d+\/bin$/);
    const report = JSON.parse(readFileSync(path.join(a.inputs['report-dir'], 'report.json'), 'utf8'));
    expect(report.findings.map((f: { code: string }) => f.code)).toContain('DATA_LOSS_COLUMN');
    expect(existsSync(path.join(a.inputs['report-dir'], 'junit.xml'))).toBe(true);
    expect(a.summary).toMatch(/DATA_LOSS_COLUMN/);
  });

  it('passes `args` through: an allowed loss passes the step', async () => {
    const a = await runAction('remove-field', { args: '--allow-loss shop_customer.phone' });
    expect(a.failed).toBeUndefined();
    expect(a.output('exit-code')).toBe('0');
    expect(a.output('verdict')).toBe('pass');
  });
});
