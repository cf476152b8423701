// Shared by the data-loss checks: the ledger's losses (observe/data/ledger.ts)
// with the migration each is attributed to, and the finding's names and count.
import type { Loss, LossKind } from '../observe/data/ledger.js';
import type { MigrationRecord } from '../report/model.js';
import type { Draft } from './facts.js';

export interface Attributed {
  loss: Loss;
  /** The migration it is attributed to; undefined when no step can be named. */
  migration: MigrationRecord | undefined;
  /** "app.migration", or undefined. */
  name: string | undefined;
}

export function attributed(losses: readonly Loss[], kind: LossKind | undefined, migrations: readonly MigrationRecord[]): Attributed[] {
  return losses
    .filter((l) => kind === undefined || l.kind === kind)
    .map((loss) => {
      const m = loss.step !== undefined ? migrations[loss.step] : undefined;
      return { loss, migration: m, name: m ? `${m.app}.${m.migration}` : undefined };
    });
}

/** app, migration, table, column and lost of a loss finding. */
export function lossFields(a: Attributed): Pick<Draft, 'app' | 'migration' | 'table' | 'column' | 'lost'> {
  return {
    ...(a.migration ? { app: a.migration.app, migration: a.migration.migration } : {}),
    table: a.loss.table,
    ...(a.loss.column ? { column: a.loss.column } : {}),
    lost: a.loss.lost,
  };
}
