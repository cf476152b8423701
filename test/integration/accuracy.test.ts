// Verdicts on the release patterns real projects ship, one fixture per kind of
// mistake a loss model can make: values followed where the release put them
// (across types, into extracted and folded-in tables, into an archive), NULLs
// filled, rollback losses named after the reverse that left them, in-place
// rewrites, squashes, a half-done batch, Django's two-step CHECK, legacy names,
// text turned into JSON, and a data step that makes rows collide. Every count
// follows from test/fixtures/base/seed.sql and the scenario's history.sql.
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/report/model.js';
import { cleanupProjects, rehearseScenario, type CliRun } from '../helpers/run.js';

afterAll(cleanupProjects);

const find = (r: CliRun, code: string): Finding[] => (r.report?.findings ?? []).filter((f) => f.code === code);
const losses = (r: CliRun) => (r.report?.findings ?? []).filter((f) => /DATA_LOSS/.test(f.code));
const errors = (r: CliRun) => (r.report?.findings ?? []).filter((f) => f.severity === 'error' && !f.allowed);
const idsUpTo500 = (pred: (id: number) => boolean) => Array.from({ length: 500 }, (_, i) => i + 1).filter(pred).length;

describe('values are followed, not guessed', () => {
  it('a dropped boolean is lost in full, though its sibling booleans hold the same trues and falses', async () => {
    const r = await rehearseScenario('drop-flag');
    expect(r.exitCode).toBe(1);
    expect(losses(r).map((f) => [f.code, f.migration, f.table, f.column, f.lost])).toEqual([
      ['DATA_LOSS_COLUMN', '0004_remove_customer_newsletter', 'shop_customer', 'newsletter', 500],
      // Reversed, the column comes back false: the trues are what the rollback does not bring back.
      ['ROLLBACK_DATA_LOSS', '0004_remove_customer_newsletter', 'shop_customer', 'newsletter', idsUpTo500((id) => id % 3 === 0)],
    ]);
  });

  it('text moved into bytea (UTF-8) is the same value', async () => {
    const r = await rehearseScenario('text-to-bytea');
    expect(losses(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it('columns extracted into a one-to-one model live on in the row that points at their old row', async () => {
    const r = await rehearseScenario('extract-model');
    expect(losses(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it('a one-to-one table folded into its parent is moved, not lost', async () => {
    const r = await rehearseScenario('fold-in');
    expect(losses(r)).toEqual([]);
    expect(find(r, 'DATA_MOVED')).toEqual([expect.objectContaining({
      severity: 'info', migration: '0005_delete_profile', table: 'shop_profile', lost: idsUpTo500((id) => id % 4 !== 0),
      details: { moved: idsUpTo500((id) => id % 4 !== 0), to: ['shop_customer'] },
    })]);
    expect(r.exitCode).toBe(0);
  });

  it('rows archived (their id and every value) before they are deleted are moved: the advice leads to a pass', async () => {
    const r = await rehearseScenario('archive-then-delete');
    expect(losses(r)).toEqual([]);
    expect(find(r, 'DATA_MOVED')).toEqual([expect.objectContaining({
      migration: '0003_archive_gift_orders', table: 'shop_order', lost: 500, details: { moved: 500, to: ['shop_orderarchive'] },
    })]);
    expect(r.exitCode).toBe(0);
  });
});

describe('the way back', () => {
  it('a NULL filled by a backfill is not a rollback loss: it is counted as filled', async () => {
    const r = await rehearseScenario('backfill-not-null');
    expect(errors(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.report!.tables.find((t) => t.table === 'shop_customer')).toMatchObject({ filled: idsUpTo500((id) => id % 10 === 0) });
  });

  it('names the migration whose reverse left values wrong, not the last one to touch the table', async () => {
    const r = await rehearseScenario('reverse-blame');
    expect(find(r, 'ROLLBACK_DATA_LOSS').map((f) => [f.migration, f.table, f.column, f.lost])).toEqual([
      ['0003_normalize_email_domains', 'shop_customer', 'email', 500],
    ]);
    expect(r.exitCode).toBe(1);
  });

  it('an in-place rewrite with a reverse that undoes it is a warning, and the gate passes', async () => {
    const r = await rehearseScenario('rewrite-reversible');
    expect(find(r, 'DATA_OVERWRITTEN').map((f) => [f.severity, f.migration, f.table, f.column, f.lost])).toEqual([
      ['warning', '0003_order_total_cents', 'shop_order', 'total', 2000],
    ]);
    expect(errors(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it('overwrites are counted exactly, step by step, though the table was frozen between them (rows are told apart by xmin)', async () => {
    const r = await rehearseScenario('overwrite-frozen');
    expect(find(r, 'DATA_OVERWRITTEN').map((f) => [f.severity, f.migration, f.table, f.column, f.lost])).toEqual([
      ['warning', '0003_round_totals_frozen', 'shop_order', 'total', 200],
      // Notes are set on every 4th order; 0004 rewrites every 3rd.
      ['warning', '0004_shout_gift_notes', 'shop_order', 'note', 166],
    ]);
    expect(errors(r)).toEqual([]);
  });

  it('a rollback that restores the values after a step that did not is judged on the values restored', async () => {
    // The reverse of 0004 compares the totals while they are still in cents; the
    // reverse of 0003 then restores them, and every later comparison must see that.
    const r = await rehearseScenario('rewrite-then-add');
    expect(find(r, 'DATA_OVERWRITTEN').map((f) => [f.severity, f.migration, f.table, f.column, f.lost])).toEqual([
      ['warning', '0003_order_total_cents', 'shop_order', 'total', 2000],
    ]);
    expect(errors(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it('--allow-overwrite accepts the rewrite', async () => {
    const r = await rehearseScenario('rewrite-reversible', ['--allow-overwrite', 'shop_order.total']);
    expect(find(r, 'DATA_OVERWRITTEN')[0]).toMatchObject({ allowed: true });
  });

  it('Django\'s two-step CHECK (NOT VALID, then validate) rolls back clean: no schema error', async () => {
    const r = await rehearseScenario('validate-constraint');
    expect(find(r, 'ROLLBACK_SCHEMA_MISMATCH').filter((f) => f.severity !== 'info')).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it('a constraint re-created under Django\'s name instead of a legacy one is a warning naming both', async () => {
    const r = await rehearseScenario('legacy-constraint-name');
    const mm = find(r, 'ROLLBACK_SCHEMA_MISMATCH');
    expect(mm.map((f) => f.severity)).toEqual(['warning', 'warning']);
    expect(mm.map((f) => f.details)).toContainEqual({ kind: 'constraint', before: 'shop_customer_email_key', after: 'shop_customer_email_d3fdf104_uniq' });
    expect(r.exitCode).toBe(0);
  });

  it('text turned into jsonb and back is the same JSON, forward and after the rollback', async () => {
    const r = await rehearseScenario('text-to-json');
    expect(losses(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
  });
});

describe('history', () => {
  it('a squash production applied only in part, with its other originals gone, fails with what is missing', async () => {
    const r = await rehearseScenario('squash-partial');
    expect(r.exitCode).toBe(1);
    expect(find(r, 'HISTORY_SQUASH_PARTIAL')).toEqual([expect.objectContaining({
      severity: 'error', app: 'shop', migration: '0001_squashed_0004_customer_loyalty',
      details: {
        squash: 'shop.0001_squashed_0004_customer_loyalty',
        applied: ['shop.0001_initial', 'shop.0002_customer_city'],
        missing: ['shop.0003_customer_tier', 'shop.0004_customer_loyalty'],
      },
    })]);
    // Django sees nothing to apply, while the models need what 0003 and 0004 add.
    expect(r.report!.plan).toEqual([]);
    expect(find(r, 'MODELS_NOT_MIGRATED').map((f) => `${f.table}.${f.column}`)).toEqual(['shop_customer.tier', 'shop_customer.loyalty_points']);
    for (const g of find(r, 'HISTORY_GHOST')) expect(g.hint).toMatch(/shop\.0003_customer_tier, shop\.0004_customer_loyalty must come back/);
  });

  it('a squash over originals production applied in full, with a new migration, rolls back clean', async () => {
    const r = await rehearseScenario('squash-complete');
    expect(find(r, 'ROLLBACK_FAILED')).toEqual([]);
    expect(find(r, 'HISTORY_GHOST').map((f) => f.severity)).toEqual(['warning', 'warning']);
    expect(r.exitCode).toBe(0);
  });
});

describe('what a failed migration left behind', () => {
  it('a non-atomic batch update that fails halfway: the rows it committed, the table it created', async () => {
    const r = await rehearseScenario('half-done-batch');
    expect(r.exitCode).toBe(1);
    const [f] = find(r, 'MIGRATION_FAILED');
    expect(f!.details!.leftBehind).toEqual({
      created: [{ table: 'shop_repriceprogress', rows: 1 }],
      columns: [],
      rows: [{ table: 'shop_order', inserted: 0, updated: 600, deleted: 0 }],
    });
    expect(f!.message).toMatch(/left behind: 600 rows of shop_order updated, table shop_repriceprogress created \(1 row\); a re-run starts from this state/);
  });

  it('a data step that makes rows collide: how many, on which columns, and no value', async () => {
    const r = await rehearseScenario('lowercase-collision');
    expect(r.exitCode).toBe(1);
    const [f] = find(r, 'MIGRATION_FAILED');
    expect(f!.details).toMatchObject({
      sqlstate: '23505', operation: { kind: 'RunPython' }, collisions: { rows: 40, groups: 20, columns: ['email'] }, leftBehind: 'nothing',
    });
    expect(f!.message).toMatch(/40 rows in 20 groups would share a value of \(email\)/);
    expect(f!.message).toMatch(/nothing left behind: its transaction was rolled back/);
    expect(f!.hint).toMatch(/data step .* merge or dedupe/);
    expect(JSON.stringify(r.report)).not.toMatch(/example\.test/i);
  });
});

describe('policy', () => {
  it('--allow-loss takes SCHEMA.TABLE.COLUMN and matches the schema exactly', async () => {
    const ok = await rehearseScenario('remove-field', ['--allow-loss', 'public.shop_customer.phone']);
    expect(ok.exitCode).toBe(0);
    const other = await rehearseScenario('remove-field', ['--allow-loss', 'crm.shop_customer.phone']);
    expect(other.exitCode).toBe(1);
  });
});
