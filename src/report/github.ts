// GitHub Actions: error findings become `::error` annotations and warnings
// `::warning` (workflow commands on stdout), and report.md is appended to the
// job summary when GITHUB_STEP_SUMMARY is set.
import { appendFileSync } from 'node:fs';
import type { Finding, Report } from './model.js';
import { blocking } from './model.js';

const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function annotation(f: Finding): string | undefined {
  const level = blocking(f) ? 'error' : f.severity === 'warning' && !f.allowed ? 'warning' : undefined;
  if (!level) return undefined;
  const where = f.app && f.migration ? ` ${f.app}.${f.migration}` : '';
  const lost = f.lost !== undefined ? ` (lost ${f.lost})` : '';
  return `::${level} title=${prop(`rehearse ${f.code}${where}`)}::${data(f.message + lost + (f.hint ? ` — fix: ${f.hint}` : ''))}`;
}

export function githubOutputs(r: Report, markdown: string, env: NodeJS.ProcessEnv, write: (s: string) => void): void {
  if (env.GITHUB_ACTIONS === 'true') {
    for (const f of r.findings) {
      const a = annotation(f);
      if (a) write(a + '\n');
    }
    if (r.verdict === 'error') write(`::error title=rehearse could not rehearse::${data(r.error ?? '')}\n`);
  }
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, markdown + '\n');
}
