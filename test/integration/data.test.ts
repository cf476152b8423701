// Data preservation, measured exactly on the snapshot: every count here follows
// from test/fixtures/base/seed.sql (500 customers, every 10th without a phone;
// 2000 orders, 4 per customer) and the scenario's history.sql.
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/report/model.js';
import { cleanupProjects, rehearseScenario, type CliRun } from '../helpers/run.js';

afterAll(cleanupProjects);

const losses = (r: CliRun): Array<Partial<Finding>> =>
  (r.report?.findings ?? [])
    .filter((f) => f.code.includes('DATA_LOSS'))
    .map(({ code, app, migration, table, column, lost, allowed }) => ({ code, app, migration, table, ...(column ? { column } : {}), lost, allowed }));

describe('data preservation', () => {
  it('RemoveField on a column with data: exact forward and rollback losses', async () => {
    const r = await rehearseScenario('remove-field');
    expect(r.exitCode).toBe(1);
    const m = { app: 'shop', migration: '0003_remove_customer_phone', table: 'shop_customer', column: 'phone', lost: 450, allowed: false };
    expect(losses(r)).toEqual([
      { code: 'DATA_LOSS_COLUMN', ...m },
      { code: 'ROLLBACK_DATA_LOSS', ...m },
    ]);
  });

  it('--allow-loss TABLE.COLUMN allows both, and the gate passes', async () => {
    const r = await rehearseScenario('remove-field', ['--allow-loss', 'shop_customer.phone']);
    expect(r.exitCode).toBe(0);
    expect(losses(r).map((l) => [l.code, l.allowed])).toEqual([['DATA_LOSS_COLUMN', true], ['ROLLBACK_DATA_LOSS', true]]);
    expect(r.report!.verdict).toBe('pass');
  });

  it('a dedupe RunPython with a noop reverse: rows lost forward and not restored', async () => {
    const r = await rehearseScenario('dedupe');
    expect(r.exitCode).toBe(1);
    const m = { app: 'shop', migration: '0003_dedupe_customers', table: 'shop_customer', lost: 30, allowed: false };
    expect(losses(r)).toEqual([{ code: 'DATA_LOSS_ROWS', ...m }, { code: 'ROLLBACK_DATA_LOSS', ...m }]);
    expect(r.report!.tables.find((t) => t.table === 'shop_customer')).toEqual({
      table: 'shop_customer', rowsBefore: 530, rowsAfterForward: 500, rowsAfterBackward: 500,
    });
  });

  it('a purge of parents cascades to children: one finding per table', async () => {
    const r = await rehearseScenario('cascade-purge');
    expect(r.exitCode).toBe(1);
    const fwd = losses(r).filter((l) => l.code === 'DATA_LOSS_ROWS');
    expect(fwd.sort((a, b) => a.table!.localeCompare(b.table!))).toEqual([
      { code: 'DATA_LOSS_ROWS', app: 'shop', migration: '0003_purge_inactive', table: 'shop_customer', lost: 10, allowed: false },
      { code: 'DATA_LOSS_ROWS', app: 'shop', migration: '0003_purge_inactive', table: 'shop_order', lost: 40, allowed: false },
    ]);
    expect(r.report!.findings.find((f) => f.table === 'shop_order')!.message).toMatch(/CASCADE/);
    expect(losses(r).filter((l) => l.code === 'ROLLBACK_DATA_LOSS').map((l) => [l.table, l.lost]).sort()).toEqual([
      ['shop_customer', 10], ['shop_order', 40],
    ]);
  });

  it('RenameModel plus RenameField pass: renames are never losses', async () => {
    const r = await rehearseScenario('rename');
    expect(losses(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it('expand/contract across two migrations with a copy-back reverse passes', async () => {
    const r = await rehearseScenario('expand-contract');
    expect(losses(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.report!.tables.find((t) => t.table === 'shop_customer')).toMatchObject({ rowsBefore: 500, rowsAfterForward: 500, rowsAfterBackward: 500 });
  });

  it('DeleteModel of a table with rows', async () => {
    const r = await rehearseScenario('delete-model');
    expect(r.exitCode).toBe(1);
    expect(losses(r)).toEqual([
      { code: 'DATA_LOSS_TABLE', app: 'shop', migration: '0003_delete_order', table: 'shop_order', lost: 2000, allowed: false },
      { code: 'ROLLBACK_DATA_LOSS', app: 'shop', migration: '0003_delete_order', table: 'shop_order', lost: 2000, allowed: false },
    ]);
  });

  it('a table dropped by raw SQL is seen in the database, not in the operations', async () => {
    const r = await rehearseScenario('raw-drop');
    expect(r.exitCode).toBe(1);
    expect(losses(r)[0]).toEqual(
      { code: 'DATA_LOSS_TABLE', app: 'shop', migration: '0003_drop_orders_sql', table: 'shop_order', lost: 2000, allowed: false },
    );
  });

  it('a type change that rewrites values loses them', async () => {
    const r = await rehearseScenario('type-change');
    expect(r.exitCode).toBe(1);
    expect(losses(r)[0]).toEqual(
      { code: 'DATA_LOSS_COLUMN', app: 'shop', migration: '0003_order_total_integer', table: 'shop_order', column: 'total', lost: 2000, allowed: false },
    );
  });

  it('a harmless additive change with contrib apps passes with no data finding', async () => {
    const r = await rehearseScenario('additive');
    expect(r.exitCode).toBe(0);
    expect(losses(r)).toEqual([]);
  });

  it('observes between steps: with several pending migrations the loss names the right one', async () => {
    const r = await rehearseScenario('attribution');
    expect(losses(r).map((l) => [l.code, l.migration, l.lost])).toEqual([
      ['DATA_LOSS_COLUMN', '0004_remove_customer_phone', 450],
      ['ROLLBACK_DATA_LOSS', '0004_remove_customer_phone', 450],
    ]);
  });

  it('proves untouched tables untouched instead of counting them', async () => {
    const r = await rehearseScenario('additive');
    // 0003 adds a column to shop_customer and only an index to shop_order: no row or value of
    // shop_order changed, so it is never counted and does not appear in the tables list.
    const tables = r.report!.tables.map((t) => t.table);
    expect(tables).toContain('shop_customer');
    expect(tables).not.toContain('shop_order');
  });

  it('compares the data of what a stopped rollback did revert, and leaves out what is still applied', async () => {
    const r = await rehearseScenario('partial-rollback');
    expect(r.exitCode).toBe(1);
    expect(r.report!.migrations.map((m) => m.backward.status)).toEqual(['irreversible', 'reverted']);
    // 0003 rewrites 500 gift notes in place on the way forward: a warning, and an error only through its missing reverse ...
    expect(r.report!.findings.filter((f) => f.code === 'DATA_OVERWRITTEN').map((f) => [f.severity, f.migration, f.table, f.column, f.lost]))
      .toEqual([['warning', '0003_tag_gift_orders', 'shop_order', 'note', 500]]);
    expect(r.report!.findings.find((f) => f.code === 'IRREVERSIBLE')).toMatchObject({ migration: '0003_tag_gift_orders', severity: 'error' });
    // ... and it is still applied after the rollback, so only 0004's table is expected back as it was.
    expect(losses(r)).toEqual([
      { code: 'DATA_LOSS_COLUMN', app: 'shop', migration: '0004_remove_customer_phone', table: 'shop_customer', column: 'phone', lost: 450, allowed: false },
      { code: 'ROLLBACK_DATA_LOSS', app: 'shop', migration: '0004_remove_customer_phone', table: 'shop_customer', column: 'phone', lost: 450, allowed: false },
    ]);
  });
});
