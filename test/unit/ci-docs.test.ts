// The CI examples in docs/ci parse, run the gate and publish its reports.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const load = (name: string) => readFileSync(path.join(ROOT, 'docs', 'ci', name), 'utf8');

describe('docs/ci', () => {
  it('the GitHub Actions workflow runs the action and publishes junit.xml', () => {
    const text = load('github-actions.yml');
    const wf = parse(text) as { jobs: { rehearse: { steps: Array<{ run?: string; uses?: string; with?: Record<string, string> }> } } };
    const steps = wf.jobs.rehearse.steps;
    const gate = steps.find((s) => /\/rehearse@/.test(s.uses ?? ''));
    expect(gate?.with).toMatchObject({ snapshot: 'snapshot.dump', 'report-dir': 'rehearse-reports' });
    // Every input it passes is one action.yml declares.
    const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };
    for (const name of Object.keys(gate!.with!)) expect(action.inputs[name]).toBeDefined();
    expect(steps.some((s) => s.with?.report_paths === 'rehearse-reports/junit.xml')).toBe(true);
  });

  it('the GitLab job runs rehearse and declares the junit report', () => {
    const job = (parse(load('gitlab-ci.yml')) as Record<string, { script: string[]; artifacts: { reports: { junit: string } } }>)['rehearse-migrations']!;
    expect(job.script.join('\n')).toMatch(/rehearse run .*--report-dir/);
    expect(job.artifacts.reports.junit).toBe('rehearse-reports/junit.xml');
  });
});
