// Hand-built facts for the checks' unit tests (src/checks/*.test.ts), in the
// manner of squawk's rule tests: the smallest facts that make a check speak.
import type { RunFacts, StaticFacts } from '../../src/checks/facts.js';
import type { Introspection } from '../../src/django/introspection.js';
import type { DataFacts, Loss } from '../../src/observe/data/facts.js';
import type { Fingerprint } from '../../src/observe/fingerprint.js';
import type { MigrationRecord } from '../../src/report/model.js';

export function intro(over: Partial<Introspection> = {}): Introspection {
  return {
    djangoVersion: '5.2', aliases: ['default'], historyTable: true, apps: [], nodes: [], disk: [], squashes: [], appliedRows: [], conflicts: {}, inconsistent: [], plan: [],
    ...over,
  };
}

/** A plan entry; phases default to a clean forward, backward and reforward. */
export function record(app: string, migration: string, over: Partial<Omit<MigrationRecord, 'app' | 'migration'>> = {}): MigrationRecord {
  return {
    app, migration,
    forward: { status: 'applied', ms: 5 }, backward: { status: 'reverted', ms: 5 }, reforward: { status: 'applied', ms: 5 },
    ...over,
  };
}

export function fp(lines: string[], columnOrder: Record<string, string[]> = {}): Fingerprint {
  return { lines: [...lines].sort(), columnOrder };
}

export function loss(over: Partial<Loss> & Pick<Loss, 'kind' | 'table' | 'lost'>): Loss {
  return { step: 0, schema: 'public', before: over.lost, after: 0, ...over };
}

export function data(over: Partial<DataFacts> = {}): DataFacts {
  return { forward: [], rollback: [], tables: [], leftBehind: [], ...over };
}

export function staticFacts(over: Partial<StaticFacts> = {}): StaticFacts {
  return { projectDir: '/p', intro: intro(), migrations: [], ...over };
}

export function runFacts(over: Partial<RunFacts> = {}): RunFacts {
  const base = fp(['table public.t']);
  return {
    ...staticFacts(),
    schema: { baseline: base, forward: [], backward: [] },
    data: data(),
    invariants: [],
    locks: { steps: [], lint: [] },
    budgets: { maxLockMs: 2000 },
    redaction: { identifiers: new Set(), strict: false },
    ...over,
  };
}
