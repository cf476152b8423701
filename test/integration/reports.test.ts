// The renderers, on real reports from real rehearsals: report.md, junit.xml
// (validated against the JUnit schema CI servers read), GitHub annotations and
// job summary, and plain CI output with no escape bytes.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, PYTHON } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';
import { snapshotFor } from '../helpers/snapshots.js';
import { cleanupProjects, rehearseScenario, runCli, type CliRun } from '../helpers/run.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-reports-'));
afterAll(() => {
  cleanupProjects();
  rmSync(scratch, { recursive: true, force: true });
});

const XSD = readFileSync(path.join(FIXTURES, 'junit.xsd'), 'utf8');
async function expectValidJunit(xml: string) {
  const r = await validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: XSD }] });
  expect(r.errors.map((e) => e.message)).toEqual([]);
  expect(r.valid).toBe(true);
}

/** Keep what the CLI wrote in --report-dir (runCli removes its work dir). */
async function withReports(scenario: string, extra: string[] = [], env: Record<string, string> = {}) {
  const keep = mkdtempSync(path.join(scratch, `${scenario}-`));
  const r: CliRun = await rehearseScenario(scenario, [...extra, '--report-dir', keep], env);
  return { r, dir: keep, md: readFileSync(path.join(keep, 'report.md'), 'utf8'), junit: readFileSync(path.join(keep, 'junit.xml'), 'utf8') };
}

describe('reports from a rehearsal that finds data loss', () => {
  let run: Awaited<ReturnType<typeof withReports>>;
  const summary = path.join(scratch, 'step-summary.md');
  beforeAll(async () => {
    writeFileSync(summary, '# earlier step\n');
    run = await withReports('remove-field', [], { NO_COLOR: '1', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
  });

  it('prints plain CI output: no escape bytes, verdict and findings readable', () => {
    const all = run.r.stdout + run.r.stderr;
    expect(all).not.toMatch(/\x1b/);
    expect(run.r.stdout).toMatch(/^rehearse: FAIL \(exit 1\)/m);
    expect(run.r.stdout).toMatch(/^shop\.0003_remove_customer_phone +forward ok \d+ ms \| backward <- \d+ ms \| reforward ok \d+ ms$/m);
    expect(run.r.stdout).toMatch(/^ {2}DATA_LOSS_COLUMN +shop_customer\.phone 450$/m);
    expect(run.r.stderr).toMatch(/^\d\d:\d\d:\d\d forward: /m);
  });

  it('report.md names the table, the column and the count', () => {
    expect(run.md).toMatch(/\| `DATA_LOSS_COLUMN` \| `shop\.0003_remove_customer_phone` \| `shop_customer\.phone` \| 450 \|/);
    expect(run.md).toMatch(/\| `shop_customer` \| 500 \| 500 \| 500 \|/);
  });

  it('junit.xml validates and carries the error findings as failures', async () => {
    await expectValidJunit(run.junit);
    expect(run.junit).toMatch(/<testsuite name="forward" tests="1" failures="1"/);
    expect(run.junit).toMatch(/<failure type="DATA_LOSS_COLUMN" message="[^"]*450[^"]*"/);
    expect(run.junit).toMatch(/<failure type="ROLLBACK_DATA_LOSS"/);
  });

  it('GitHub gets ::error annotations and the job summary', () => {
    expect(run.r.stdout).toMatch(/^::error title=rehearse DATA_LOSS_COLUMN shop\.0003_remove_customer_phone::.*450/m);
    const s = readFileSync(summary, 'utf8');
    expect(s.startsWith('# earlier step\n')).toBe(true);
    expect(s).toContain('`shop_customer.phone` | 450');
  });

  it('writes no report file outside the report dir', () => {
    expect(readdirSync(run.dir).sort()).toEqual(['junit.xml', 'report.json', 'report.md']);
  });
});

describe('allowed findings and warnings', () => {
  it('pass in junit.xml with a system-out note', async () => {
    const { junit, r } = await withReports('remove-field', ['--allow-loss', 'shop_customer.phone']);
    expect(r.exitCode).toBe(0);
    await expectValidJunit(junit);
    expect(junit).not.toMatch(/<failure/);
    expect(junit).toMatch(/<system-out>allowed by policy: DATA_LOSS_COLUMN/);
  });

  it('a schema diff is written, linked from report.md, and junit stays valid with skipped cases', async () => {
    const { md, dir, junit } = await withReports('schema-mismatch', [], { GITHUB_ACTIONS: 'true' });
    const [diff] = readdirSync(path.join(dir, 'diffs'));
    expect(diff).toBeDefined();
    expect(readFileSync(path.join(dir, 'diffs', diff!), 'utf8')).toMatch(/^\+index public\.shop_customer shop_customer_email_lower/m);
    expect(md).toContain(`([diff](diffs/${diff}))`);
    await expectValidJunit(junit);
  });

  it('a run that could not rehearse still writes a valid junit.xml with an error', async () => {
    const keep = mkdtempSync(path.join(scratch, 'error-'));
    const bad = path.join(scratch, 'truncated.dump');
    writeFileSync(bad, readFileSync(snapshotFor('additive')).subarray(0, 3000));
    const project = makeProject('additive');
    const r = await runCli(['run', '--project', project, '--snapshot', bad, '--python', PYTHON, '--report-dir', keep]);
    rmSync(project, { recursive: true, force: true });
    expect(r.exitCode).toBe(3);
    const junit = readFileSync(path.join(keep, 'junit.xml'), 'utf8');
    await expectValidJunit(junit);
    expect(junit).toMatch(/<error type="COULD_NOT_REHEARSE"/);
  });
});
