// The core gate, end to end: the real CLI, a real PostgreSQL sandbox, real Django,
// real dumps. One scenario per finding code; each test would fail if its check
// were removed, because it asserts the exact code, app and migration.
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/report/model.js';
import { cleanupProjects, rehearseScenario, type CliRun } from '../helpers/run.js';

afterAll(cleanupProjects);

const codes = (r: CliRun) => (r.report?.findings ?? []).map((f) => f.code).sort();
const errorsOf = (r: CliRun) => (r.report?.findings ?? []).filter((f) => f.severity === 'error' && !f.allowed);
const find = (r: CliRun, code: string): Finding[] => (r.report?.findings ?? []).filter((f) => f.code === code);

describe('rehearse run: the gate', () => {
  it('passes a harmless additive change with contenttypes and auth installed', async () => {
    const r = await rehearseScenario('additive');
    expect(r.exitCode).toBe(0);
    expect(r.report?.verdict).toBe('pass');
    expect(r.report?.exitCode).toBe(0);
    expect(errorsOf(r)).toEqual([]);
    expect(r.report?.plan).toEqual([{ app: 'shop', migration: '0003_customer_loyalty' }]);
    const m = r.report!.migrations[0]!;
    expect(m.forward.status).toBe('applied');
    expect(m.backward.status).toBe('reverted');
    expect(m.reforward.status).toBe('applied');
    expect(m.forward.ms).toBeGreaterThan(0);
    expect(r.report?.snapshot).toMatchObject({ format: 'custom', serverVersion: expect.stringMatching(/^\d+\.\d+$/) });
    expect(r.stdout).toContain('PASS');
  });

  it('fails an irreversible RunPython, known from the operations and confirmed by running', async () => {
    const r = await rehearseScenario('irreversible');
    expect(r.exitCode).toBe(1);
    expect(r.report?.verdict).toBe('fail');
    const [f] = find(r, 'IRREVERSIBLE');
    expect(f).toMatchObject({ severity: 'error', app: 'shop', migration: '0003_normalize_emails', allowed: false });
    expect(f!.details).toMatchObject({ confirmedByRun: true });
    expect(r.report!.migrations[0]!.backward.status).toBe('irreversible');
    expect(r.report!.migrations[0]!.reforward.status).toBe('not-run');
  });

  it('lets --allow-irreversible accept that migration', async () => {
    const r = await rehearseScenario('irreversible', ['--allow-irreversible', 'shop.0003_normalize_emails']);
    expect(r.exitCode).toBe(0);
    expect(r.report?.verdict).toBe('pass');
    expect(find(r, 'IRREVERSIBLE')[0]).toMatchObject({ allowed: true });
  });

  it('names a ghost migration: recorded in production, deleted from the repo', async () => {
    const r = await rehearseScenario('ghost');
    expect(r.exitCode).toBe(1);
    expect(r.report?.verdict).toBe('fail');
    expect(find(r, 'HISTORY_GHOST')).toEqual([
      expect.objectContaining({ severity: 'error', app: 'shop', migration: '0003_deleted_experiment' }),
    ]);
    // The rehearsal still ran the pending migration.
    expect(r.report!.migrations[0]!.forward.status).toBe('applied');
  });

  it('names the leftovers of squashed originals and of a removed app as ghosts (warnings)', async () => {
    const r = await rehearseScenario('squashed');
    expect(r.exitCode).toBe(0);
    const ghosts = find(r, 'HISTORY_GHOST').map((f) => `${f.app}.${f.migration}:${f.severity}:${(f.details as any).reason}`);
    expect(ghosts.sort()).toEqual([
      'legacy.0001_initial:warning:removed-app',
      'legacy.0002_auto:warning:removed-app',
      'shop.0001_initial:warning:squashed-original',
      'shop.0002_customer_city:warning:squashed-original',
    ]);
  });

  it('reports two leaves in one app, naming every leaf, and still produces a report', async () => {
    const r = await rehearseScenario('two-leaves');
    expect(r.exitCode).toBe(1);
    expect(r.report?.verdict).toBe('fail');
    const [f] = find(r, 'CONFLICTING_LEAVES');
    expect(f).toMatchObject({ severity: 'error', app: 'shop' });
    expect((f!.details as { leaves: string[] }).leaves).toEqual(['0003_customer_tier', '0003_order_status']);
    expect(f!.message).toContain('0003_customer_tier');
    expect(f!.message).toContain('0003_order_status');
    expect(r.report!.plan).toEqual([]);
  });

  it('reports a migration recorded before its dependency', async () => {
    const r = await rehearseScenario('inconsistent');
    expect(r.exitCode).toBe(1);
    expect(find(r, 'HISTORY_INCONSISTENT')).toEqual([
      expect.objectContaining({
        severity: 'error', app: 'shop', migration: '0004_order_status',
        details: { dependency: { app: 'shop', migration: '0003_customer_tier' } },
      }),
    ]);
  });

  it('warns about stray files in a migrations folder, without failing the gate', async () => {
    const r = await rehearseScenario('stray');
    expect(r.exitCode).toBe(0);
    const stray = find(r, 'STRAY_MIGRATION_FILE');
    expect(stray.map((f) => (f.details as { file: string }).file).sort()).toEqual([
      'shop/migrations/0002_customer_city.py.bak',
      'shop/migrations/0003_forum.py.disabled',
    ]);
    expect(stray.every((f) => f.severity === 'warning')).toBe(true);
    expect(stray.find((f) => f.migration === '0003_forum')!.message).toContain('0003_customer_loyalty');
  });

  it('fails a NOT NULL migration that only production rows break, with the database error', async () => {
    const r = await rehearseScenario('not-null');
    expect(r.exitCode).toBe(1);
    const [f] = find(r, 'MIGRATION_FAILED');
    expect(f).toMatchObject({ severity: 'error', app: 'shop', migration: '0003_phone_required', table: 'shop_customer', column: 'phone' });
    expect(f!.message).toMatch(/column "phone" of relation "shop_customer" contains null values/);
    // An atomic migration: its failure left nothing behind.
    expect(f!.message).toMatch(/nothing left behind: its transaction was rolled back/);
    expect(f!.details).toMatchObject({ leftBehind: 'nothing' });
    expect(r.report!.migrations.map((m) => m.forward.status)).toEqual(['failed', 'not-run']);
  });

  it('fails when reversing a migration raises', async () => {
    const r = await rehearseScenario('rollback-failed');
    expect(r.exitCode).toBe(1);
    const [f] = find(r, 'ROLLBACK_FAILED');
    expect(f).toMatchObject({ severity: 'error', app: 'shop', migration: '0003_audit_table' });
    expect(f!.message).toMatch(/shop_audit_log/);
  });

  it('fails a rollback that leaves the schema changed, with a diff, and the reforward that trips on it', async () => {
    const r = await rehearseScenario('schema-mismatch');
    expect(r.exitCode).toBe(1);
    const [f] = find(r, 'ROLLBACK_SCHEMA_MISMATCH');
    expect(f).toMatchObject({ severity: 'error', app: 'shop', migration: '0003_email_index' });
    expect(f!.message).toContain('shop_customer_email_lower');
    expect(f!.diff).toMatch(/^diffs\/.*\.diff$/);
    const [re] = find(r, 'REFORWARD_FAILED');
    expect(re).toMatchObject({ severity: 'error', app: 'shop', migration: '0003_email_index' });
    expect(re!.message).toMatch(/already exists/);
  });

  it('only warns when a rollback brings a column back at the end of its table', async () => {
    const r = await rehearseScenario('remove-field');
    const [f] = find(r, 'ROLLBACK_SCHEMA_MISMATCH');
    expect(f).toMatchObject({ severity: 'warning', app: 'shop', migration: '0003_remove_customer_phone', table: 'shop_customer' });
    expect(f!.message).toContain('phone');
    expect(find(r, 'ROLLBACK_SCHEMA_MISMATCH')).toHaveLength(1);
  });

  it('judges the rollback on where it ends: columns back in their order are no finding', async () => {
    // 0003 adds nickname, 0004 drops city; reversed, city comes back after nickname, which then goes.
    const r = await rehearseScenario('column-order');
    expect(r.exitCode).toBe(0);
    expect((r.report?.findings ?? []).filter((f) => f.severity !== 'info').map((f) => f.code)).toEqual([]);
    expect(codes(r).filter((c) => c === 'ROLLBACK_SCHEMA_MISMATCH')).toEqual([]);
  });

  it('follows a playbook given with --playbook: the rollback drill, timed', async () => {
    const r = await rehearseScenario('additive', ['--playbook', `${process.cwd()}/playbooks/rollback-drill.yml`]);
    expect(r.exitCode).toBe(0);
    const m = r.report!.migrations[0]!;
    expect([m.forward.status, m.backward.status, m.reforward.status]).toEqual(['applied', 'reverted', 'applied']);
    expect(r.report!.rollbackMs).toBe(Math.round(m.backward.ms!));
  });

  it('fails a reforward that runs but ends in another schema than the first forward', async () => {
    const r = await rehearseScenario('reforward-drift');
    expect(r.exitCode).toBe(1);
    const [re] = find(r, 'REFORWARD_FAILED');
    expect(re).toBeDefined();
    expect(re!.message).toMatch(/ended in another schema/);
    expect(re!.message).toContain('flags');
    expect(re!.diff).toMatch(/^diffs\/reforward\.diff$/);
    expect(r.report!.migrations[0]!.reforward.status).toBe('applied');
  });

  it('fails, with a report, when a migration depends on a deleted one and Django cannot load the graph', async () => {
    const r = await rehearseScenario('broken-graph');
    expect(r.exitCode).toBe(1);
    expect(find(r, 'HISTORY_GHOST')).toEqual([expect.objectContaining({ severity: 'error', migration: '0003_deleted_experiment' })]);
    expect(find(r, 'MIGRATION_FAILED')).toEqual([]);
    const [f] = find(r, 'HISTORY_BROKEN_GRAPH');
    expect(f).toMatchObject({ app: 'shop', migration: '0004_experiment_results', severity: 'error' });
    expect(f!.message).toContain('shop.0003_deleted_experiment');
    expect(r.report!.plan).toEqual([]);
  });

  it('checks a playbook\'s SQL invariants on the snapshot and after each phase', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const dir = mkdtempSync(`${os.tmpdir()}/rehearse-test-pb-`);
    const pb = `${dir}/invariants.yml`;
    writeFileSync(pb, [
      'name: with-invariants',
      'steps: [forward, backward, reforward]',
      'invariants:',
      '  - name: at least 510 customers',
      '    sql: SELECT count(*) >= 510 FROM shop_customer',
      '    expect: "true"',
      '    after: [forward]',
      '  - name: every order has its customer',
      '    sql: SELECT count(*) FROM shop_order o LEFT JOIN shop_customer c ON c.id = o.customer_id WHERE c.id IS NULL',
      '  - name: a broken query',
      '    sql: SELECT nope FROM nowhere',
      '',
    ].join('\n'));
    const r = await rehearseScenario('dedupe', ['--playbook', pb]);
    rmSync(dir, { recursive: true, force: true });
    const inv = find(r, 'INVARIANT_FAILED').map((f) => [f.severity, (f.details as { invariant: string; when: string }).invariant, (f.details as { when: string }).when]);
    expect(inv).toEqual([
      ['warning', 'a broken query', 'snapshot'],
      ['error', 'at least 510 customers', 'forward'],
    ]);
    expect(find(r, 'INVARIANT_FAILED')[1]!.message).toContain('returned false');
    expect(r.exitCode).toBe(1);
  });
});
