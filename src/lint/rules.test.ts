// Each lint rule on the SQL Django writes: one migration that must trigger it
// and one that must not, in the manner of squawk's rule tests.
import { describe, expect, it } from 'vitest';
import { addFieldDefault } from './add-field-default.js';
import { constraintNotValid } from './constraint-not-valid.js';
import { dropColumn } from './drop-column.js';
import { indexNotConcurrent } from './index-not-concurrent.js';
import { lint } from './index.js';
import { lockTimeout } from './lock-timeout.js';
import { rename } from './rename.js';
import type { LintMigration, LintOperation, LintRule } from './rule.js';
import { runPythonWholeTable } from './run-python-whole-table.js';
import { setNotNull } from './set-not-null.js';
import { typeChangeRewrite } from './type-change-rewrite.js';
import { volatileDefault } from './volatile-default.js';

/** A migration of one operation per statement (or the operations given). */
function migration(sql: string[], over: Partial<LintMigration> & { ops?: LintOperation[] } = {}): LintMigration {
  const { ops, ...rest } = over;
  return {
    app: 'shop', name: '0003_x', atomic: true, direction: 'forward',
    operations: ops ?? sql.map((s) => ({ kind: 'RunSQL', describe: s })),
    statements: sql.map((s, i) => ({ sql: s, operation: ops ? Math.min(i, ops.length - 1) : i })),
    ...rest,
  };
}

const cases: Array<[LintRule, LintMigration, LintMigration, Partial<{ table: string; blocks: string }>]> = [
  [indexNotConcurrent,
    migration(['CREATE INDEX "shop_order_total_idx" ON "shop_order" ("total");']),
    migration(['CREATE INDEX CONCURRENTLY "shop_order_total_idx" ON "shop_order" ("total");',
      'CREATE TABLE "shop_address" ("id" bigint NOT NULL PRIMARY KEY, "city" varchar(100) NULL);',
      'CREATE INDEX "shop_address_city_idx" ON "shop_address" ("city");']),
    { table: 'shop_order', blocks: 'writes' }],
  [volatileDefault,
    migration(['ALTER TABLE "shop_order" ADD COLUMN "created" timestamp with time zone DEFAULT (STATEMENT_TIMESTAMP()) NOT NULL;']),
    migration(['ALTER TABLE "shop_customer" ADD COLUMN "loyalty_points" integer DEFAULT 0 NOT NULL;']),
    { table: 'shop_order', blocks: 'reads and writes' }],
  [typeChangeRewrite,
    migration(['ALTER TABLE "shop_order" ALTER COLUMN "total" TYPE numeric(12, 3);']),
    migration(['ALTER TABLE "shop_customer" ALTER COLUMN "name" TYPE varchar(150);']),
    { table: 'shop_order', blocks: 'reads and writes' }],
  [setNotNull,
    migration(['ALTER TABLE "shop_customer" ALTER COLUMN "phone" SET NOT NULL;']),
    migration(['ALTER TABLE "shop_customer" ADD CONSTRAINT "phone_nn" CHECK ("phone" IS NOT NULL);',
      'ALTER TABLE "shop_customer" ALTER COLUMN "phone" SET NOT NULL;']),
    { table: 'shop_customer', blocks: 'reads and writes' }],
  [constraintNotValid,
    migration(['ALTER TABLE "shop_order" ADD CONSTRAINT "total_pos" CHECK ("total" >= 0);']),
    migration(['ALTER TABLE "shop_order" ADD CONSTRAINT "total_pos" CHECK ("total" >= 0) NOT VALID;']),
    { table: 'shop_order', blocks: 'writes' }],
  [rename,
    migration(['ALTER TABLE "shop_order" RENAME COLUMN "note" TO "remark";']),
    migration(['ALTER TABLE "shop_order" ADD COLUMN "remark" text NULL;']),
    { table: 'shop_order' }],
  [dropColumn,
    migration(['ALTER TABLE "shop_customer" DROP COLUMN "city" CASCADE;'], { ops: [{ kind: 'RemoveField', describe: 'Remove field city from customer' }] }),
    migration(['ALTER TABLE "shop_customer" DROP COLUMN "city" CASCADE;'], { ops: [{ kind: 'SeparateDatabaseAndState', describe: 'Custom state/database change combination' }] }),
    { table: 'shop_customer' }],
  [lockTimeout,
    migration(['ALTER TABLE "shop_customer" ADD COLUMN "tier" varchar(20) NULL;']),
    migration(["SET lock_timeout = '2s';", 'ALTER TABLE "shop_customer" ADD COLUMN "tier" varchar(20) NULL;']),
    { table: 'shop_customer' }],
  [runPythonWholeTable,
    migration(['-- Raw Python operation'], { ops: [{ kind: 'RunPython', describe: 'Raw Python operation' }] }),
    migration(['-- Raw Python operation'], { ops: [{ kind: 'RunPython', describe: 'Raw Python operation' }], atomic: false }),
    {}],
  [addFieldDefault,
    migration(['ALTER TABLE "shop_customer" ADD COLUMN "tier" varchar(20) DEFAULT \'basic\' NOT NULL;'],
      { ops: [{ kind: 'AddField', describe: 'Add field tier to customer', field: { null: false, hasDefault: true, dbDefault: false } }] }),
    migration(['ALTER TABLE "shop_customer" ADD COLUMN "tier" varchar(20) DEFAULT \'basic\' NOT NULL;'],
      { ops: [{ kind: 'AddField', describe: 'Add field tier to customer', field: { null: false, hasDefault: false, dbDefault: true } }] }),
    {}],
];

describe.each(cases)('lint rule %#', (rule, triggers, passes, expected) => {
  it(`${rule.name}: triggers on the risky form`, () => {
    const hits = rule.inspect(triggers);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ rule: rule.name, ...expected });
    expect(hits[0]!.safe.length).toBeGreaterThan(10);
  });

  it(`${rule.name}: stays quiet on the safe form`, () => {
    expect(rule.inspect(passes)).toEqual([]);
  });
});

describe('lint', () => {
  it('runs every rule on a migration', () => {
    const hits = lint(migration(['ALTER TABLE "shop_order" ALTER COLUMN "total" TYPE bigint USING "total"::bigint;']));
    expect(hits.map((h) => h.rule).sort()).toEqual(['lock-timeout', 'type-change-rewrite']);
  });
});
