// Writes --report-dir: report.json and the schema diffs the findings point at.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderJunit } from './junit.js';
import type { Finding, FindingWithPatch, Report } from './model.js';

/** Move each finding's patch into diffs/ (when there is a report dir) and strip it. */
export function attachDiffs(findings: readonly FindingWithPatch[], reportDir: string | undefined): Finding[] {
  const used = new Set<string>();
  return findings.map(({ patch, ...f }) => {
    if (!patch || !reportDir) return f;
    let name = patch.name.replace(/[^\w.-]+/g, '_');
    for (let n = 2; used.has(name); n++) name = patch.name.replace(/\.diff$/, `-${n}.diff`);
    used.add(name);
    mkdirSync(path.join(reportDir, 'diffs'), { recursive: true });
    writeFileSync(path.join(reportDir, 'diffs', name), patch.text);
    return { ...f, diff: `diffs/${name}` };
  });
}

/** report.json, report.md and junit.xml (the diffs were written by attachDiffs). */
export function writeReportDir(report: Report, reportDir: string, markdown: string): void {
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(path.join(reportDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(path.join(reportDir, 'report.md'), markdown);
  writeFileSync(path.join(reportDir, 'junit.xml'), renderJunit(report));
}
