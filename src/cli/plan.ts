// `rehearse plan`: the static verdict, without a database (../plan.ts), with
// the same reports and exit codes as `run`. A pipeline runs it first, and `run`
// only when it passes.
import { UsageError } from '../errors.js';
import { planRelease } from '../plan.js';
import { loadPlaybook } from '../playbook/load.js';
import { runLifecycle } from './lifecycle.js';
import { policyOf, type PolicyFlags } from './run.js';

export interface PlanFlags extends PolicyFlags {
  timeout?: string;
  project: string;
  snapshot?: string;
  python?: string;
  settings?: string;
  pgBin?: string;
  reportDir?: string;
  format: string;
  quiet?: boolean;
  verbose?: boolean;
}

export async function planCommand(flags: PlanFlags): Promise<number> {
  return runLifecycle(flags, async (cleanup, events) => {
    if (!flags.snapshot) throw new UsageError('--snapshot FILE is required');
    const policy = policyOf(flags, loadPlaybook());
    await planRelease({
      project: flags.project, snapshot: flags.snapshot, policy,
      ...(flags.python ? { python: flags.python } : {}),
      ...(flags.settings ? { settings: flags.settings } : {}),
      ...(flags.pgBin ? { pgBin: flags.pgBin } : {}),
    }, cleanup, events);
    return { failOnWarnings: policy.failOnWarnings ?? false };
  });
}
