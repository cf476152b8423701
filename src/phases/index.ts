// Every step kind, by name: a playbook's `steps` are looked up here.
import { backward } from './backward.js';
import { baseline } from './baseline.js';
import { forward } from './forward.js';
import { reforward } from './reforward.js';
import { restore } from './restore.js';
import type { Step, StepKind } from './step.js';

export const STEPS: Readonly<Record<StepKind, Step>> = { restore, baseline, forward, backward, reforward };
