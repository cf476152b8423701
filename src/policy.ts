// Policy turns drafts into findings: --allow-loss, --allow-irreversible and
// --allow-overwrite (and a playbook's policy) mark matching findings allowed.
// Allowed findings stay in the report but no longer fail the gate. Which option
// can allow which code is declared by the checks themselves.
import { allowanceOf } from './checks/index.js';
import type { Draft } from './checks/facts.js';
import type { FindingWithPatch } from './report/model.js';

export interface Policy {
  /** TABLE, TABLE.COLUMN, SCHEMA.TABLE or SCHEMA.TABLE.COLUMN; public is the default schema. */
  allowLoss: string[];
  /** APP.MIGRATION */
  allowIrreversible: string[];
  /** TABLE.COLUMN or SCHEMA.TABLE.COLUMN */
  allowOverwrite: string[];
  /** Warnings fail the gate too. */
  failOnWarnings?: boolean;
  /** A lock that blocks reads or writes on a table with data for longer is an error (default 2000). */
  maxLockMs?: number;
  /** A migration slower than this is an error (unset: one over 3 minutes is a warning). */
  maxDurationMs?: number;
}

export const DEFAULT_MAX_LOCK_MS = 2000;

interface Where {
  schema: string;
  table: string;
  column?: string;
}

/** What a spec can mean: A.B is TABLE.COLUMN in public, or SCHEMA.TABLE (any column). */
function readings(spec: string): Where[] {
  const p = spec.split('.');
  if (p.length === 1) return [{ schema: 'public', table: p[0]! }];
  if (p.length === 3) return [{ schema: p[0]!, table: p[1]!, column: p[2]! }];
  return [{ schema: 'public', table: p[0]!, column: p[1]! }, { schema: p[0]!, table: p[1]! }];
}

function matches(specs: string[], d: Draft, needColumn: boolean): boolean {
  if (!d.table) return false;
  const schema = d.schema ?? 'public';
  return specs.some((spec) => readings(spec).some((w) =>
    w.schema === schema && w.table === d.table && (w.column === undefined ? !needColumn : w.column === d.column)));
}

function allowed(d: Draft, policy: Policy): boolean {
  switch (allowanceOf(d.code)) {
    case 'loss':
      return matches(policy.allowLoss, d, false);
    case 'overwrite':
      return matches(policy.allowOverwrite, d, true) || matches(policy.allowLoss, d, false);
    case 'irreversible':
      return policy.allowIrreversible.includes(`${d.app}.${d.migration}`);
    default:
      return false;
  }
}

export function applyPolicy(drafts: Draft[], policy: Policy): FindingWithPatch[] {
  return drafts.map((d) => ({ ...d, allowed: allowed(d, policy) }));
}
