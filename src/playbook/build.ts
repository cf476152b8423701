// The playbook is what builds a rehearsal: its steps, looked up by kind, with
// restore and baseline first whether it names them or not.
import { stepFor } from '../phases/index.js';
import type { Step } from '../phases/step.js';
import { kindOf, type Playbook, type StepSpec } from './schema.js';

const IMPLIED: readonly StepSpec[] = ['restore', 'baseline'];

export function stepsOf(playbook: Playbook): Step[] {
  const kinds = playbook.steps.map(kindOf);
  const specs = [...IMPLIED.filter((k) => !kinds.includes(k as string)), ...playbook.steps];
  return specs.map((s, i) => stepFor(s, i + 1));
}
