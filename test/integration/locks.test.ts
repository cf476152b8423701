// What each migration does to live traffic, measured per statement on the
// snapshot: which lock on which table, what it blocks, whether the table was
// rewritten, the indexes built and how, WAL written; joined with the static
// lint into LOCK_RISK. The shapes are asserted here; the durations are a
// benchmark's business (npm run bench), never a test's.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/model.js';
import { cleanupProjects, rehearseScenario, type CliRun } from '../helpers/run.js';

const kept = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-locks-'));
afterAll(() => {
  cleanupProjects();
  rmSync(kept, { recursive: true, force: true });
});

const step = (r: CliRun, name: string) => r.report!.migrations.find((m) => m.migration === name)!;

describe('locks, measured', () => {
  let r: CliRun;
  let md = '';
  it('rehearses the release', async () => {
    r = await rehearseScenario('lock-shapes', ['--probe-traffic', '--report-dir', kept]);
    md = readFileSync(path.join(kept, 'report.md'), 'utf8');
    r.report = JSON.parse(readFileSync(path.join(kept, 'report.json'), 'utf8')) as Report;
    expect(r.exitCode).toBe(0);
  });

  it('AddIndex without CONCURRENTLY: a SHARE lock that blocks writes, no rewrite, the index built the plain way', () => {
    const f = step(r, '0003_order_total_idx').forward;
    expect(f.locks).toEqual([expect.objectContaining({ table: 'shop_order', mode: 'ShareLock', blocks: 'writes', rewritten: false, rows: 2000 })]);
    expect(f.indexes).toEqual([expect.objectContaining({ name: 'shop_order_total_idx', table: 'shop_order', concurrently: false })]);
    expect(f.statements!.find((s) => /CREATE INDEX/.test(s.sql))).toMatchObject({ operation: 0, kind: 'AddIndex', locks: [{ table: 'shop_order', mode: 'ShareLock' }] });
  });

  it('a type change that rewrites: reads and writes blocked, rewritten, WAL written', () => {
    const f = step(r, '0004_alter_order_total').forward;
    expect(f.locks).toEqual([expect.objectContaining({ table: 'shop_order', mode: 'AccessExclusiveLock', blocks: 'reads and writes', rewritten: true })]);
    expect(f.wal).toBeGreaterThan(0);
  });

  it('a constant database default: no rewrite', () => {
    expect(step(r, '0005_customer_tier').forward.locks).toEqual([expect.objectContaining({ table: 'shop_customer', rewritten: false })]);
  });

  it('AddIndexConcurrently in a non-atomic migration: only other DDL waits', () => {
    const f = step(r, '0006_customer_email_idx').forward;
    expect(f.locks).toEqual([expect.objectContaining({ table: 'shop_customer', mode: 'ShareUpdateExclusiveLock', blocks: 'other DDL only' })]);
    expect(f.indexes).toEqual([expect.objectContaining({ concurrently: true })]);
  });

  it('joins the lint: the plain index is a LOCK_RISK, at info on a small table, with the safe way', () => {
    const risks = (r.report as Report).findings.filter((x) => x.code === 'LOCK_RISK');
    expect(risks.find((x) => x.migration === '0003_order_total_idx')).toMatchObject({
      severity: 'info', table: 'shop_order', details: expect.objectContaining({ rule: 'index-not-concurrent', mode: 'ShareLock' }),
    });
    expect(risks.find((x) => x.migration === '0003_order_total_idx')!.hint).toMatch(/AddIndexConcurrently/);
    expect(risks.filter((x) => x.severity !== 'info')).toEqual([]);
  });

  it('probes live traffic while each migration runs, and says how often', () => {
    const probe = step(r, '0004_alter_order_total').forward.probe!;
    expect(probe).toEqual([expect.objectContaining({ table: 'shop_order' })]);
    expect(probe[0]!.intervalMs).toBeGreaterThan(0);
    expect(probe[0]!.intervalMs).toBeLessThanOrEqual(1000);
  });

  it('report.md draws which migration holds which table, for how long', () => {
    expect(md).toMatch(/### Locks that block the application/);
    expect(md).toMatch(/\| `shop\.0004_alter_order_total` \| forward \| `shop_order` \| AccessExclusiveLock \| reads and writes \| [\d,]+ ms \| ~2,000 \| yes \| █+ \|/);
  });

  it('a lock budget makes the same lock an error, without a timed assertion: a budget no lock can meet', async () => {
    const strict = await rehearseScenario('lock-shapes', ['--max-lock-ms', '1', '--allow-irreversible', 'shop.0004_alter_order_total']);
    expect(strict.report!.findings.some((x) => x.code === 'LOCK_RISK' && x.severity === 'error' && x.migration === '0004_alter_order_total')).toBe(true);
    expect(strict.exitCode).toBe(1);
  });
});
