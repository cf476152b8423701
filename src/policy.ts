// Policy turns drafts into findings: --allow-loss and --allow-irreversible (and a
// playbook's policy) mark matching findings allowed. Allowed findings stay in the
// report but no longer fail the gate.
import { allowanceOf } from './checks/index.js';
import type { Draft } from './checks/facts.js';
import type { FindingWithPatch } from './report/model.js';

export interface Policy {
  allowLoss: string[];
  allowIrreversible: string[];
}

function lossAllowed(policy: Policy, d: Draft): boolean {
  if (allowanceOf(d.code) !== 'loss' || !d.table) return false;
  return policy.allowLoss.some((spec) => {
    const parts = spec.split('.');
    // TABLE, TABLE.COLUMN, or SCHEMA.TABLE.COLUMN
    const [table, column] = parts.length === 3 ? [`${parts[0]}.${parts[1]}`, parts[2]] : [parts[0]!, parts[1]];
    const sameTable = d.table === table || d.table === `public.${table}` || `public.${d.table}` === table;
    if (!sameTable) return false;
    return column === undefined || d.column === column;
  });
}

export function applyPolicy(drafts: Draft[], policy: Policy): FindingWithPatch[] {
  return drafts.map((d) => {
    const allowed =
      (allowanceOf(d.code) === 'irreversible' && policy.allowIrreversible.includes(`${d.app}.${d.migration}`)) || lossAllowed(policy, d);
    return { ...d, allowed };
  });
}
