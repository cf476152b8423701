// A playbook: the ordered steps of a rehearsal and its policy. `rehearse run`
// is the built-in playbooks/pre-deploy.yml; teams script a rollback drill or a
// stricter gate by writing their own. ./build.ts turns it into the steps the
// pipeline runs.
import { z } from 'zod';
import { STEP_KINDS } from '../phases/kinds.js';

/** The steps that migrate, in the only order they can run. */
export const MIGRATING = ['forward', 'backward', 'reforward'] as const;

/** APP.MIGRATION, as --allow-irreversible and a playbook's policy take it. */
export const MIGRATION_REF = /^[A-Za-z_]\w*\.\w+$/;
/** TABLE, TABLE.COLUMN, SCHEMA.TABLE or SCHEMA.TABLE.COLUMN, as --allow-loss and a playbook's policy take it. */
export const TABLE_REF = /^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*){0,2}$/;
/** TABLE.COLUMN or SCHEMA.TABLE.COLUMN, as --allow-overwrite takes it. */
export const COLUMN_REF = /^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*){1,2}$/;

const migrationRef = z.string().regex(MIGRATION_REF, 'expected app.migration');
const tableRef = z.string().regex(TABLE_REF, 'expected table, table.column, schema.table or schema.table.column');
const columnRef = z.string().regex(COLUMN_REF, 'expected table.column or schema.table.column');

/**
 * A SQL invariant: checked on the snapshot first, then after each step named in
 * `after`. `expect`: `zero` (one number, 0), `true` (one boolean, true) or
 * `no-rows` (the query returns nothing). Run read-only; only the row count or
 * the number it returned is ever reported, never row contents.
 */
const Invariant = z
  .object({
    name: z.string().min(1),
    sql: z.string().min(1),
    expect: z.enum(['zero', 'true', 'no-rows']).default('zero'),
    after: z.array(z.enum(MIGRATING)).min(1).default([...MIGRATING]),
  })
  .strict();
export type Invariant = z.infer<typeof Invariant>;

export const PlaybookSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /** restore and baseline come first, and are implied when left out. */
    steps: z.array(z.enum(STEP_KINDS)).min(1),
    policy: z
      .object({
        allowLoss: z.array(tableRef).default([]),
        allowIrreversible: z.array(migrationRef).default([]),
        allowOverwrite: z.array(columnRef).default([]),
        /** A lock that blocks reads or writes for longer is an error (ms; default 2000). */
        maxLockMs: z.number().int().positive().optional(),
        /** A migration slower than this is an error (ms). */
        maxDurationMs: z.number().int().positive().optional(),
      })
      .strict()
      .default({ allowLoss: [], allowIrreversible: [], allowOverwrite: [] }),
    invariants: z.array(Invariant).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    const order = p.steps.map((s) => STEP_KINDS.indexOf(s));
    if (order.some((v, i) => i > 0 && v <= order[i - 1]!)) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: `steps run in the order ${STEP_KINDS.join(', ')}, each at most once` });
    }
    const migrating = p.steps.filter((s) => (MIGRATING as readonly string[]).includes(s));
    if (migrating[0] !== 'forward') {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'the first step must be forward' });
    }
    if (p.steps.includes('reforward') && !p.steps.includes('backward')) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'reforward needs backward' });
    }
  });

export type Playbook = z.infer<typeof PlaybookSchema>;
