// The step kinds, by name: the playbook's vocabulary (playbook/schema.ts) and
// the registry's keys (./index.ts). Imports nothing, so both can import it.
export const STEP_KINDS = ['restore', 'baseline', 'forward', 'backward', 'reforward', 'migrate', 'manage', 'sql', 'checkpoint', 'expect'] as const;
export type StepKind = (typeof STEP_KINDS)[number];
