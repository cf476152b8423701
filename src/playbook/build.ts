// The playbook is what builds a rehearsal: its steps, looked up by kind, with
// restore and baseline first whether it names them or not.
import { STEPS } from '../phases/index.js';
import type { Step, StepKind } from '../phases/step.js';
import type { Playbook } from './schema.js';

const IMPLIED: readonly StepKind[] = ['restore', 'baseline'];

export function stepsOf(playbook: Playbook): Step[] {
  const kinds = [...IMPLIED.filter((k) => !playbook.steps.includes(k)), ...playbook.steps];
  return kinds.map((k) => STEPS[k]);
}
