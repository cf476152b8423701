// `rehearse plan`: the static verdict from the dump file and the migration
// files, with no PostgreSQL server. To prove none is started, the archive
// dumps are read with a --pg-bin that holds pg_restore and nothing else (no
// initdb, no postgres); the plain ones need no binary at all. Its findings are
// the static part of what `run` finds on the same release.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPgBin } from '../../src/sandbox/local/pgbin.js';
import { makeProject } from '../helpers/project.js';
import { PYTHON, SNAPSHOTS } from '../helpers/paths.js';
import { cleanupProjects, rehearseScenario, runCli, type CliRun } from '../helpers/run.js';
import { snapshotFor } from '../helpers/snapshots.js';

const onlyPgRestore = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-pgrestore-'));
const projects: string[] = [];
afterAll(() => {
  cleanupProjects();
  rmSync(onlyPgRestore, { recursive: true, force: true });
  for (const p of projects) rmSync(p, { recursive: true, force: true });
});

async function plan(scenario: string | undefined, snapshot: string, extra: string[] = []): Promise<CliRun> {
  const project = makeProject(scenario);
  projects.push(project);
  return runCli(['plan', '--project', project, '--snapshot', snapshot, '--python', PYTHON, '--pg-bin', onlyPgRestore, '--report-dir', '{reports}', ...extra]);
}

const STATIC = /^(HISTORY_|CONFLICTING_LEAVES|STRAY_MIGRATION_FILE|IRREVERSIBLE)/;
const keys = (r: CliRun, only = STATIC) => (r.report?.findings ?? []).filter((f) => only.test(f.code))
  .map((f) => `${f.code} ${f.severity} ${f.app ?? ''}.${f.migration ?? ''}`).sort();

describe('rehearse plan', () => {
  it('sets up a pg_restore-only bin dir', async () => {
    symlinkSync(path.join((await findPgBin()).dir, 'pg_restore'), path.join(onlyPgRestore, 'pg_restore'));
  });

  it('reports a ghost migration from the dump alone, as run does', async () => {
    const [p, r] = await Promise.all([plan('ghost', snapshotFor('ghost')), rehearseScenario('ghost')]);
    expect(p.stderr).not.toMatch(/sandbox|PostgreSQL \d/);
    expect(p.report!.mode).toBe('plan');
    expect(keys(p)).toContain('HISTORY_GHOST error shop.0003_deleted_experiment');
    expect(keys(p)).toEqual(keys(r));
    expect(p.exitCode).toBe(1);
    expect(p.leftovers).toEqual([]);
  });

  // A stray file is a warning: plan passes it (exit 0); the rest stop the deploy.
  it.each([['irreversible', 1], ['two-leaves', 1], ['stray', 0], ['squash-partial', 1], ['inconsistent', 1], ['broken-graph', 1]] as const)(
    '%s: the same static findings as run (exit %i)',
    async (scenario, exit) => {
      const [p, r] = await Promise.all([plan(scenario, snapshotFor(scenario)), rehearseScenario(scenario)]);
      expect(keys(p).length).toBeGreaterThan(0);
      expect(keys(p)).toEqual(keys(r));
      expect(p.report!.plan).toEqual(r.report!.plan);
      expect(p.exitCode).toBe(exit);
    },
  );

  it.each(['base.dump', 'base.dir', 'base.tar', 'base.sql', 'base.sql.gz', 'base-inserts.sql', 'base-column-inserts.sql'])(
    'reads django_migrations from %s: the pending plan is the one run would apply',
    async (file) => {
      const p = await plan('remove-field', path.join(SNAPSHOTS, file));
      expect(p.report!.plan).toEqual([{ app: 'shop', migration: '0003_remove_customer_phone' }]);
      expect(p.report!.findings.filter((f) => /^HISTORY/.test(f.code))).toEqual([]);
      expect(p.exitCode, p.stdout).toBe(0);
    },
  );

  it('lints the SQL it collects without a database, and says it did not measure it', async () => {
    const p = await plan('not-null', snapshotFor('not-null'));
    const lock = p.report!.findings.filter((f) => f.code === 'LOCK_RISK');
    expect(lock.length).toBeGreaterThan(0);
    expect(lock.every((f) => f.details?.measured === false)).toBe(true);
    expect(lock.some((f) => f.severity === 'warning' && /not measured/.test(f.message))).toBe(true);
  });

  it('a project that does not load is exit 3 with one line, and an unreadable snapshot exit 2', async () => {
    const broken = await plan('remove-field', path.join(SNAPSHOTS, 'base.dump'), ['--settings', 'no.such.settings']);
    expect(broken.exitCode).toBe(3);
    const missing = await plan('remove-field', path.join(SNAPSHOTS, 'nope.dump'));
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});
