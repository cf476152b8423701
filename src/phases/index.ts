// Every step kind, and how a playbook's step spec becomes a step.
import type { StepSpec } from '../playbook/schema.js';
import { backward } from './backward.js';
import { baseline } from './baseline.js';
import { checkpoint, expect } from './checkpoint.js';
import { forward } from './forward.js';
import { manage } from './manage.js';
import { migrateTo } from './migrate-to.js';
import { reforward } from './reforward.js';
import { restore } from './restore.js';
import { sql } from './sql.js';
import type { Step } from './step.js';

/** The step for one spec of a playbook; `position` is its place among the playbook's steps. */
export function stepFor(spec: StepSpec, position: number): Step {
  if (typeof spec === 'string') return { restore, baseline, forward, backward, reforward }[spec];
  if ('migrate' in spec) return migrateTo(spec.migrate);
  if ('manage' in spec) return manage(spec.manage);
  if ('sql' in spec) return sql(spec.sql);
  if ('checkpoint' in spec) return checkpoint(spec.checkpoint);
  return expect(spec.expect, position);
}
