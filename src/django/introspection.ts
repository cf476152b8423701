// What python/runner.py's `introspect` returns, and small views over it.

export type MigrationKey = [app: string, name: string];

export interface OperationInfo {
  kind: string;
  describe: string;
  reversible: boolean;
}

export interface NodeInfo {
  app: string;
  name: string;
  parents: MigrationKey[];
  replaces: MigrationKey[];
  file: string | null;
  atomic: boolean;
  operations: OperationInfo[];
}

export interface AppInfo {
  label: string;
  name: string;
  migrationsPath: string | null;
  stray: string[];
}

export interface Introspection {
  djangoVersion: string;
  apps: AppInfo[];
  nodes: NodeInfo[];
  disk: MigrationKey[];
  /** Raw rows of the snapshot's django_migrations. */
  appliedRows: MigrationKey[];
  /** Django's view of what is applied (squashed migrations resolved). */
  appliedResolved: MigrationKey[];
  leaves: Record<string, string[]>;
  conflicts: Record<string, string[]>;
  inconsistent: Array<{ app: string; name: string; parentApp: string; parentName: string }>;
  /** What `manage.py migrate` would apply, in order. Empty when leaves conflict. */
  plan: MigrationKey[];
  /** Set when Django cannot build the graph: APP.NAME depends on a migration that is not there. */
  brokenGraph?: { app: string | null; name: string | null; missingApp: string | null; missingName: string; message: string };
}

export const keyOf = (app: string, name: string) => `${app}.${name}`;

export function nodeMap(intro: Introspection): Map<string, NodeInfo> {
  return new Map(intro.nodes.map((n) => [keyOf(n.app, n.name), n]));
}
