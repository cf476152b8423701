// Bad input: one clear line, exit 2, no stack trace, nothing started or left behind.
// And the project's own DATABASES is never used to connect anywhere.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject } from '../helpers/project.js';
import { PYTHON } from '../helpers/paths.js';
import { snapshotFor } from '../helpers/snapshots.js';
import { rehearseArgs, runCli } from '../helpers/run.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-cli-'));
const project = makeProject('additive');
const snapshot = snapshotFor('additive');
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});

function expectUsageError(r: { exitCode: number; stderr: string; stdout: string; leftovers: string[] }, pattern: RegExp) {
  expect(r.exitCode).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^rehearse: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stdout).toBe('');
  expect(r.leftovers).toEqual([]);
}

describe('usage errors exit 2 with one line', () => {
  it('an unknown flag', async () => {
    expectUsageError(await runCli(['run', '--snapshot', snapshot, '--frobnicate']), /unknown option '--frobnicate'/);
  });

  it('no --snapshot', async () => {
    expectUsageError(await runCli(['run', '--project', project]), /--snapshot FILE is required/);
  });

  it('a missing snapshot', async () => {
    expectUsageError(await runCli(rehearseArgs(project, path.join(scratch, 'nope.dump'))), /no such file/);
  });

  it('a folder without manage.py', async () => {
    expectUsageError(await runCli(rehearseArgs(scratch, snapshot)), /no manage\.py there/);
  });

  it('a missing --python', async () => {
    expectUsageError(
      await runCli(['run', '--project', project, '--snapshot', snapshot, '--python', '/nonexistent/python']),
      /--python \/nonexistent\/python: no such file/,
    );
  });

  it('a malformed --allow-irreversible', async () => {
    expectUsageError(await runCli([...rehearseArgs(project, snapshot), '--allow-irreversible', 'shop']), /expected APP\.MIGRATION/);
  });

  it('an invalid playbook', async () => {
    const pb = path.join(scratch, 'bad.yml');
    writeFileSync(pb, 'name: x\nsteps: [backward, forward]\n');
    expectUsageError(await runCli([...rehearseArgs(project, snapshot), '--playbook', pb]), /invalid playbook at steps/);
  });

  it('a playbook that is not YAML', async () => {
    const pb = path.join(scratch, 'bad2.yml');
    writeFileSync(pb, 'name: [unclosed\n');
    expectUsageError(await runCli([...rehearseArgs(project, snapshot), '--playbook', pb]), /invalid YAML/);
  });
});

describe('the Django project', () => {
  it('never connects to the host its settings name, even a reachable one', async () => {
    // A listener standing in for "production": any connection to it is a failure.
    let connections = 0;
    const server: Server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const spied = makeProject('additive');
    const settings = path.join(spied, 'shop_site', 'settings.py');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('"prod-db.invalid"', '"127.0.0.1"').replace('"5432"', `"${port}"`));
    try {
      const r = await runCli(rehearseArgs(spied, snapshot));
      expect(r.exitCode).toBe(0);
      expect(connections).toBe(0);
    } finally {
      server.close();
      rmSync(spied, { recursive: true, force: true });
    }
  });

  it('uses --settings over what manage.py sets', async () => {
    const r = await runCli([...rehearseArgs(project, snapshot), '--settings', 'shop_site.no_such_settings']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/rehearse: the Django project could not be loaded: .*ModuleNotFoundError/);
    expect(r.leftovers).toEqual([]);
  });

  it('exits 3 when the interpreter has no Django', async () => {
    const r = await runCli(['run', '--project', project, '--snapshot', snapshot, '--python', 'python3', '--report-dir', '{reports}']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/rehearse: .*python3? cannot import Django/);
    expect(r.report).toMatchObject({ verdict: 'error', exitCode: 3 });
    expect(r.leftovers).toEqual([]);
  });

  it('prints report.json alone on stdout with --format json', async () => {
    const r = await runCli([...rehearseArgs(project, snapshot), '--format', 'json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ schemaVersion: 1, verdict: 'pass', exitCode: 0 });
    void PYTHON;
  });

  it('--quiet prints only the verdict and the findings; --verbose adds Django\'s own lines', async () => {
    const q = await runCli([...rehearseArgs(project, snapshot), '--quiet']);
    expect(q.exitCode).toBe(0);
    expect(q.stdout.trim()).toBe('rehearse: PASS (exit 0): 0 errors, 0 warnings');
    expect(q.stderr).toBe('');
    const v = await runCli([...rehearseArgs(project, snapshot), '--verbose']);
    expect(v.stderr).toMatch(/\|\s+Applying shop\.0003_customer_loyalty\.\.\. OK/);
    expect(v.stderr).toMatch(/\|\s+Unapplying shop\.0003_customer_loyalty\.\.\. OK/);
  });
});

// A check that counts its runs in the project dir, and fails while a marker file is there.
const COUNTED_CHECK = `
import os as _os
from django.core import checks as _checks

@_checks.register()
def _counted(app_configs, **kwargs):
    here = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
    with open(_os.path.join(here, "checks.log"), "a") as f:
        f.write("ran\\n")
    return [_checks.Error("failing on purpose", id="test.E001")] if _os.path.exists(_os.path.join(here, "fail-check")) else []
`;

describe("Django's system checks", () => {
  function projectWithCheck(fail: boolean): string {
    const p = makeProject('additive');
    const settings = path.join(p, 'shop_site', 'settings.py');
    writeFileSync(settings, readFileSync(settings, 'utf8') + COUNTED_CHECK);
    if (fail) writeFileSync(path.join(p, 'fail-check'), '');
    return p;
  }

  it('run at the first migrate only: they read code the runner imported once', async () => {
    const p = projectWithCheck(false);
    try {
      const r = await runCli(rehearseArgs(p, snapshot));
      expect(r.exitCode).toBe(0);
      // Three migrates (forward, back, forward again), one run of the checks.
      expect(r.report!.migrations[0]).toMatchObject({ forward: { status: 'applied' }, backward: { status: 'reverted' } });
      expect(readFileSync(path.join(p, 'checks.log'), 'utf8').trim().split('\n')).toEqual(['ran']);
    } finally {
      rmSync(p, { recursive: true, force: true });
    }
  });

  it('a failing check fails the first migration, as `manage.py migrate` would', async () => {
    const p = projectWithCheck(true);
    try {
      const r = await runCli(rehearseArgs(p, snapshot));
      expect(r.exitCode).toBe(1);
      expect(r.report!.findings.map((f) => f.code)).toContain('MIGRATION_FAILED');
      expect(r.reportText).toMatch(/SystemCheckError|test\.E001|failing on purpose/);
    } finally {
      rmSync(p, { recursive: true, force: true });
    }
  });
});
