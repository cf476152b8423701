// The messages python/runner.py sends, as zod schemas: every line that arrives
// on fd 3 is validated here before anything reads it. Their Python twins are the
// builders in python/rehearse_runner/protocol.py.
import { z } from 'zod';

const key = z.tuple([z.string(), z.string()]);

export const PyErrorSchema = z.object({
  type: z.string(),
  message: z.string(),
  /** From the exception's class (IrreversibleError), never from its text. */
  irreversible: z.boolean(),
  sqlstate: z.string().optional(),
  /** From PostgreSQL's diagnostics: names, never values. */
  table: z.string().optional(),
  column: z.string().optional(),
  constraint: z.string().optional(),
  /** The operation of the migration that raised. */
  operation: z.object({ index: z.number(), kind: z.string(), describe: z.string() }).optional(),
  /** A data step that broke a unique constraint: rows sharing a key once it ran (counted on a replay). */
  collisions: z.object({ rows: z.number(), groups: z.number(), columns: z.array(z.string()) }).optional(),
});
export type PyError = z.infer<typeof PyErrorSchema>;

const Operation = z.object({ kind: z.string(), describe: z.string(), reversible: z.boolean() });

export const IntrospectionSchema = z.object({
  djangoVersion: z.string(),
  /** The project's DATABASES aliases (each pointed at the sandbox; only 'default' is rehearsed). */
  aliases: z.array(z.string()),
  /** Whether the database has a django_migrations table at all. */
  historyTable: z.boolean(),
  apps: z.array(z.object({ label: z.string(), migrationsPath: z.string().nullable(), stray: z.array(z.string()) })),
  nodes: z.array(z.object({
    app: z.string(),
    name: z.string(),
    parents: z.array(key),
    replaces: z.array(key),
    operations: z.array(Operation),
  })),
  /** Every migration file Django loads, by (app, name). */
  disk: z.array(key),
  /** Every squash on disk and what it replaces (also one Django took out of the graph). */
  squashes: z.array(z.object({ app: z.string(), name: z.string(), replaces: z.array(key) })),
  /** The snapshot's django_migrations rows. */
  appliedRows: z.array(key),
  /** Apps with more than one leaf, and their leaves. */
  conflicts: z.record(z.string(), z.array(z.string())),
  inconsistent: z.array(z.object({ app: z.string(), name: z.string(), parentApp: z.string(), parentName: z.string() })),
  /** What `manage.py migrate` would apply, in order. Empty when leaves conflict. */
  plan: z.array(key),
  /** Set when Django cannot build the graph: APP.NAME depends on a migration that is not there. */
  brokenGraph: z.object({
    app: z.string().nullable(),
    name: z.string().nullable(),
    missingApp: z.string().nullable(),
    missingName: z.string(),
  }).optional(),
});

/** The tables and columns the release's models need on the default database. */
export const ModelsSchema = z.array(z.object({ app: z.string(), model: z.string(), table: z.string(), columns: z.array(z.string()) }));
export type ModelTable = z.infer<typeof ModelsSchema>[number];

const Hello = z.object({ type: z.literal('hello'), ready: z.boolean(), error: PyErrorSchema.optional(), traceback: z.string().nullish() });
const Answer = z.object({
  type: z.literal('answer'),
  ok: z.boolean(),
  data: z.unknown().optional(),
  error: PyErrorSchema.optional(),
  traceback: z.string().optional(),
});
/** A relation lock the migration's backend held after a statement (or, in autocommit, the one its text implies). */
const TraceLock = z.object({
  oid: z.number(), schema: z.string(), table: z.string(), mode: z.string(),
  /** The table's row estimate and size on disk at that moment (-1: not known). */
  rows: z.number(), bytes: z.number(),
});
export const TraceSchema = z.object({
  statements: z.array(z.object({
    /** The operation it belongs to (null: the migration's deferred SQL). */
    op: z.number().nullable(),
    kind: z.string().nullable(),
    /** Its text, every literal replaced by ?. */
    sql: z.string(),
    /** Start, in ms from the start of the command, and duration. */
    at: z.number(),
    ms: z.number(),
    inTransaction: z.boolean(),
    /** Locks first taken by this statement. */
    locks: z.array(TraceLock),
    /** The locks come from the statement's text (autocommit), not from pg_locks. */
    inferred: z.boolean(),
  })),
  /** When each transaction ended (commit or rollback), in ms from the start. */
  ends: z.array(z.number()),
  ms: z.number(),
});
export type Trace = z.infer<typeof TraceSchema>;

const Managed = z.object({
  type: z.literal('managed'), ok: z.boolean(), ms: z.number(), output: z.string(),
  error: PyErrorSchema.optional(), trace: TraceSchema.optional(),
});

/** What each pending migration would run, forward and backward, per operation (sqlmigrate). */
const SqlDirection = z.object({
  statements: z.array(z.object({ sql: z.string(), operation: z.number().nullable() })),
  /** Why the SQL could not be collected ("irreversible", an exception's class), if so. */
  error: z.string().nullable(),
});
export const SqlPlanSchema = z.array(z.object({
  app: z.string(), name: z.string(), atomic: z.boolean(),
  operations: z.array(z.object({
    kind: z.string(), describe: z.string(),
    field: z.object({ null: z.boolean(), hasDefault: z.boolean(), dbDefault: z.boolean() }).nullable(),
  })),
  forward: SqlDirection,
  backward: SqlDirection,
}));
export type SqlPlan = z.infer<typeof SqlPlanSchema>;
export const OperationEventSchema = z.object({
  type: z.literal('operation'),
  state: z.enum(['started', 'finished']),
  app: z.string(),
  migration: z.string(),
  /** The operation's position in its migration. */
  index: z.number(),
  kind: z.string(),
  describe: z.string(),
  ms: z.number().optional(),
});

export const MessageSchema = z.discriminatedUnion('type', [Hello, Answer, Managed, OperationEventSchema]);
export type Message = z.infer<typeof MessageSchema>;
export type ManageResult = z.infer<typeof Managed>;
export type OperationEvent = z.infer<typeof OperationEventSchema>;

/** A reply to a request: every message but the events. */
export type Reply = Exclude<Message, OperationEvent>;
