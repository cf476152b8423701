// Shared by the data-loss checks: the ledger's losses (observe/data/ledger.ts)
// with the migration each is attributed to, and the finding's names and count.
import type { Loss, LossKind } from '../observe/data/facts.js';
import type { MigrationRecord } from '../report/model.js';
import type { Draft } from './facts.js';

export interface Attributed {
  loss: Loss;
  /** The migration it is attributed to; undefined when no step can be named. */
  migration: MigrationRecord | undefined;
  /** "app.migration", or undefined. */
  name: string | undefined;
}

/**
 * Django's own bookkeeping, not data: it rewrites django_content_type's
 * app_label and model when a model is renamed (and renames them back on rollback).
 */
const DJANGO_RENAMES = new Set(['django_content_type.app_label', 'django_content_type.model']);

/** The losses of one kind, each with the migration (or the playbook's command: step -1, -2...) it is attributed to. */
export function attributed(losses: readonly Loss[], kind: LossKind | undefined, run: { migrations: readonly MigrationRecord[]; commands?: readonly string[] }): Attributed[] {
  return losses
    .filter((l) => (kind === undefined || l.kind === kind) && !DJANGO_RENAMES.has(`${l.table}.${l.column}`))
    .map((loss) => {
      if (loss.step !== undefined && loss.step < 0) return { loss, migration: undefined, name: run.commands?.[-loss.step - 1] };
      const m = loss.step !== undefined ? run.migrations[loss.step] : undefined;
      return { loss, migration: m, name: m ? `${m.app}.${m.migration}` : undefined };
    });
}

/** app, migration, schema (where not public), table, column and lost of a loss finding. */
export function lossFields(a: Attributed): Pick<Draft, 'app' | 'migration' | 'schema' | 'table' | 'column' | 'lost'> {
  return {
    ...(a.migration ? { app: a.migration.app, migration: a.migration.migration } : {}),
    ...(a.loss.schema !== 'public' ? { schema: a.loss.schema } : {}),
    table: a.loss.table,
    ...(a.loss.column ? { column: a.loss.column } : {}),
    lost: a.loss.lost,
  };
}
