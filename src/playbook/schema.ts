// A playbook: the ordered steps of a rehearsal, its policy and its SQL
// invariants. `rehearse run` is the built-in playbooks/pre-deploy.yml; a team
// scripts a rollback drill, a backfill between two migrations or a stricter
// gate by writing its own (`rehearse playbook FILE`). ./build.ts turns it into
// the steps the pipeline runs; `npm run schema` writes playbooks/playbook.schema.json
// from this file, for editors.
import { z } from 'zod';

/** The steps that migrate the whole plan, in the only order they can run. */
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
// ${var} is allowed so that an editor's JSON Schema check passes before --var fills it in.
const name = z.string().regex(/^([\w.-]|\$\{\w+\})+$/, 'letters, digits, _ . and - only');

/**
 * A SQL invariant: checked on the snapshot first, then after each step named in
 * `after` (forward, backward, reforward, or a checkpoint's name); with `after: []`,
 * only where an `expect` step names it (a query on a column the release adds). `expect`:
 * `zero` (one number, 0), `true` (one boolean, true) or `no-rows` (the query
 * returns nothing). Run read-only; only the row count or the number it
 * returned is ever reported, never row contents.
 */
const Invariant = z
  .object({
    name: z.string().min(1),
    sql: z.string().min(1),
    expect: z.enum(['zero', 'true', 'no-rows']).default('zero'),
    after: z.array(z.string().min(1)).default([...MIGRATING]),
  })
  .strict();
export type Invariant = z.infer<typeof Invariant>;

/** The steps of a playbook: a name, or one key naming the kind and its settings. */
export const StepSchema = z.union([
  z.enum(['restore', 'baseline', ...MIGRATING]).describe('restore, baseline, forward (every pending migration), backward (to the snapshot\'s state), reforward'),
  z.object({
    migrate: z.union([
      z.literal('all').describe('every pending migration, as forward does'),
      z.literal('snapshot').describe('back to the snapshot\'s recorded state, as backward does'),
      z.object({ app: name, to: name.describe('a migration name, or zero') }).strict(),
    ]),
  }).strict().describe('manage.py migrate to a target, forward or backward, one migration at a time'),
  z.object({
    manage: z.object({ command: name, args: z.array(z.string()).default([]) }).strict(),
  }).strict().describe('a management command (a backfill, say), observed like a migration'),
  z.object({
    sql: z.object({ sql: z.string().min(1), write: z.boolean().default(false) }).strict(),
  }).strict().describe('SQL on the work database: read-only unless write is true (then observed like a migration)'),
  z.object({ checkpoint: name }).strict().describe('check the invariants whose `after` names this checkpoint, now'),
  z.object({
    expect: z.object({ invariants: z.array(z.string().min(1)).default([]) }).strict(),
  }).strict().describe('the named invariants (all when none are named) must hold now: INVARIANT_FAILED if not'),
]);
export type StepSpec = z.infer<typeof StepSchema>;

export const PlaybookSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /** restore and baseline come first, and are implied when left out. */
    steps: z.array(StepSchema).min(1),
    policy: z
      .object({
        allowLoss: z.array(tableRef).default([]),
        allowIrreversible: z.array(migrationRef).default([]),
        allowOverwrite: z.array(columnRef).default([]),
        /** Warnings fail the gate too. */
        failOnWarnings: z.boolean().default(false),
        /** A lock that blocks reads or writes for longer is an error (ms; default 2000). */
        maxLockMs: z.number().int().positive().optional(),
        /** A migration slower than this is an error (ms). */
        maxDurationMs: z.number().int().positive().optional(),
      })
      .strict()
      .default({ allowLoss: [], allowIrreversible: [], allowOverwrite: [], failOnWarnings: false }),
    invariants: z.array(Invariant).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    const kinds = p.steps.map(kindOf);
    const checkpoints = p.steps.flatMap((s) => (typeof s === 'object' && 'checkpoint' in s ? [s.checkpoint] : []));
    p.invariants.forEach((inv, i) => inv.after.forEach((a, j) => {
      if (!(MIGRATING as readonly string[]).includes(a) && !checkpoints.includes(a)) {
        ctx.addIssue({ code: 'custom', path: ['invariants', i, 'after', j], message: `"${a}" is neither forward, backward, reforward nor a checkpoint of this playbook` });
      }
    }));
    p.steps.forEach((s, i) => {
      if (typeof s !== 'object' || !('expect' in s)) return;
      s.expect.invariants.forEach((n, j) => {
        if (!p.invariants.some((inv) => inv.name === n)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'expect', 'invariants', j], message: `no invariant named "${n}"` });
      });
    });
    const setup = kinds.filter((k) => k === 'restore' || k === 'baseline');
    const leading = kinds.slice(0, setup.length);
    if (setup.length && (leading.join() !== setup.join() || new Set(setup).size !== setup.length || (setup.length === 2 && setup[0] !== 'restore'))) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'restore and baseline come first, in that order, each at most once' });
    }
    const whole = kinds.filter((k): k is (typeof MIGRATING)[number] => (MIGRATING as readonly string[]).includes(k));
    if (whole.some((k, i) => i > 0 && MIGRATING.indexOf(k) <= MIGRATING.indexOf(whole[i - 1]!))) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'forward, backward and reforward run in that order, each at most once' });
    }
    if (whole.length && whole[0] !== 'forward' && !kinds.includes('migrate')) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'the first step must be forward' });
    }
    // `migrate` steps may move backward (`snapshot`, or an earlier target): reforward re-applies what they reverted.
    const r = kinds.indexOf('reforward');
    if (r >= 0 && !kinds.slice(0, r).some((k) => k === 'backward' || k === 'migrate')) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'reforward needs backward (or a migrate step) before it' });
    }
  });

export type Playbook = z.infer<typeof PlaybookSchema>;

/** A step spec's kind: its name, or its one key. */
export function kindOf(s: StepSpec): string {
  return typeof s === 'string' ? s : Object.keys(s)[0]!;
}
