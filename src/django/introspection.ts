// What python/runner.py's `introspect` returns (validated by ./protocol.ts), and small views over it.
import type { z } from 'zod';
import type { IntrospectionSchema } from './protocol.js';

export type Introspection = z.infer<typeof IntrospectionSchema>;
export type NodeInfo = Introspection['nodes'][number];
export type MigrationKey = [app: string, name: string];

export const keyOf = (app: string, name: string) => `${app}.${name}`;

export function nodeMap(intro: Introspection): Map<string, NodeInfo> {
  return new Map(intro.nodes.map((n) => [keyOf(n.app, n.name), n]));
}

/** The target that unapplies exactly APP.NAME: its parent in the same app, or zero. */
export function unapplyTarget(nodes: Map<string, NodeInfo>, app: string, name: string): string {
  const node = nodes.get(keyOf(app, name));
  const inApp = (node?.parents ?? []).filter(([a]) => a === app).map(([, n]) => n).sort();
  return inApp.at(-1) ?? 'zero';
}

/** Django refuses to migrate this history at all (conflicting leaves, an inconsistent history, a broken graph). */
export function migrationBlocked(intro: Introspection): boolean {
  return Object.keys(intro.conflicts).length > 0 || intro.inconsistent.length > 0 || !!intro.brokenGraph;
}
