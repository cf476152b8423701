// The bundled playbooks, run for real: the built-in gate as a file gives the
// same verdict as `rehearse run`; the rollback drill times the way back; the
// expand/backfill/contract runbook applies through the expand migration, runs
// the project's management command, checks with SQL, and applies the rest; a
// partial backfill fails at the expectation, with the count. Counts follow from
// test/fixtures/base/seed.sql (450 customers with a phone, 50 without).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { playbookJsonSchema } from '../../src/playbook/json-schema.js';
import type { Report } from '../../src/report/model.js';
import { ROOT } from '../helpers/paths.js';
import { cleanupProjects, rehearseScenario, type CliRun } from '../helpers/run.js';

const PLAYBOOKS = path.join(ROOT, 'playbooks');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-playbooks-'));
afterAll(() => {
  cleanupProjects();
  rmSync(scratch, { recursive: true, force: true });
});

const codes = (r: CliRun) => (r.report?.findings ?? []).map((f) => `${f.code} ${f.app ?? ''}.${f.migration ?? ''} ${f.table ?? ''}.${f.column ?? ''} ${f.lost ?? ''}`).sort();
const playbook = (file: string) => ['playbook', path.join(PLAYBOOKS, file)];
const BACKFILL_VARS = [
  '--var', 'app=shop', '--var', 'through=0003_customer_phone_e164', '--var', 'command=backfill_phones',
  '--var', 'check=SELECT count(*) FROM shop_customer WHERE phone_e164 IS NULL AND phone IS NOT NULL',
];

describe('the playbook schema', () => {
  const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(path.join(PLAYBOOKS, 'playbook.schema.json'), 'utf8')));

  it('the shipped playbook.schema.json is the one the zod schema makes (npm run schema)', () => {
    expect(JSON.parse(readFileSync(path.join(PLAYBOOKS, 'playbook.schema.json'), 'utf8'))).toEqual(playbookJsonSchema());
  });

  it.each(readdirSync(PLAYBOOKS).filter((f) => f.endsWith('.yml')))('%s passes the JSON Schema an editor checks', (file) => {
    expect(validate(parse(readFileSync(path.join(PLAYBOOKS, file), 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects an unknown step and a migrate without a target', () => {
    expect(validate({ name: 'x', steps: ['sideways'] })).toBe(false);
    expect(validate({ name: 'x', steps: [{ migrate: { app: 'shop' } }] })).toBe(false);
  });
});

describe('bundled playbooks', () => {
  it('pre-deploy.yml, as a file, is the gate `rehearse run` applies', async () => {
    const [run, file] = await Promise.all([
      rehearseScenario('remove-field'),
      rehearseScenario('remove-field', [], {}, playbook('pre-deploy.yml')),
    ]);
    expect(run.exitCode).toBe(1);
    expect(file.exitCode).toBe(run.exitCode);
    expect(codes(file)).toEqual(codes(run));
  });

  it('rollback-drill.yml times the way back and checks at the rolled-back checkpoint', async () => {
    const r = await rehearseScenario('expand-contract', [], {}, playbook('rollback-drill.yml'));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.report!.migrations.map((m) => [m.migration, m.backward.status, m.reforward.status])).toEqual([
      ['0003_customer_phone_e164', 'reverted', 'applied'],
      ['0004_remove_customer_phone', 'reverted', 'applied'],
    ]);
    expect(r.report!.rollbackMs).toBeGreaterThan(0);
    expect(r.report!.steps).toEqual([expect.objectContaining({ step: 'checkpoint rolled-back', ok: true })]);
    expect(r.stdout).toMatch(/a rollback of this release would take ~\d+\.\d s/);
  });

  it('backfill-then-migrate.yml: expand, the management command, the check, contract, and back', async () => {
    const r = await rehearseScenario('backfill-command', BACKFILL_VARS, {}, playbook('backfill-then-migrate.yml'));
    expect(r.exitCode, r.stdout).toBe(0);
    const report = r.report as Report;
    expect(report.steps?.map((s) => [s.step, s.ok])).toEqual([['manage.py backfill_phones', true], ['expect #5', true]]);
    expect(report.invariants).toEqual([{ name: 'backfilled', when: 'expect #5', holds: true, saw: 'returned 0' }]);
    // The backfill copied every phone before 0004 dropped the column; the reverse copies them back.
    expect(report.findings.filter((f) => /DATA_LOSS|INVARIANT|STEP_FAILED/.test(f.code))).toEqual([]);
    expect(report.migrations.map((m) => [m.forward.status, m.backward.status, m.reforward.status])).toEqual([
      ['applied', 'reverted', 'applied'], ['applied', 'reverted', 'applied'],
    ]);
    expect(r.stdout).toContain('playbook: manage.py backfill_phones ✓');
  });

  it('a backfill that stops early fails at the expectation, and the contract migration loses the rest', async () => {
    const partial = path.join(scratch, 'partial.yml');
    writeFileSync(partial, readFileSync(path.join(PLAYBOOKS, 'backfill-then-migrate.yml'), 'utf8')
      .replace('manage: { command: "${command}" }', 'manage: { command: "${command}", args: ["--limit", "100"] }'));
    const r = await rehearseScenario('backfill-command', BACKFILL_VARS, {}, ['playbook', partial]);
    expect(r.exitCode).toBe(1);
    expect(codes(r).filter((c) => /DATA_LOSS_COLUMN|INVARIANT_FAILED/.test(c))).toEqual([
      'DATA_LOSS_COLUMN shop.0004_remove_customer_phone shop_customer.phone 350',
      'INVARIANT_FAILED . . ',
    ]);
    const inv = r.report!.findings.find((f) => f.code === 'INVARIANT_FAILED')!;
    expect(inv.details).toEqual({ invariant: 'backfilled', when: 'expect #5' });
    expect(inv.message).toContain('returned 350');
    expect(r.report!.steps?.find((s) => s.step === 'expect #5')?.ok).toBe(false);
  });

  it('a management command that raises is STEP_FAILED, with its error and without the data', async () => {
    const broken = path.join(scratch, 'broken.yml');
    writeFileSync(broken, readFileSync(path.join(PLAYBOOKS, 'backfill-then-migrate.yml'), 'utf8')
      .replace('manage: { command: "${command}" }', 'manage: { command: "${command}", args: ["--batch-size", "many"] }'));
    const r = await rehearseScenario('backfill-command', BACKFILL_VARS, {}, ['playbook', broken]);
    expect(r.exitCode).toBe(1);
    const f = r.report!.findings.filter((x) => x.code === 'STEP_FAILED');
    expect(f).toEqual([expect.objectContaining({ severity: 'error', details: expect.objectContaining({ step: 'manage.py backfill_phones --batch-size many' }) })]);
    expect(f[0]!.message).toMatch(/batch.size/);
  });

  it('a variable the playbook uses and the command line does not give is a usage error, before anything starts', async () => {
    const r = await rehearseScenario('backfill-command', [], {}, playbook('backfill-then-migrate.yml'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/backfill-then-migrate\.yml:\d+: the playbook uses \$\{app\}: pass --var app=VALUE/);
  });
});
