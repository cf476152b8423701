// manage (a playbook step): a management command (a backfill between two
// migrations, say), through the same Django process as the migrations, and
// observed like one: what it changes in the data is measured and named after it.
import type { StepSpec } from '../playbook/schema.js';
import { observedCommand } from './command.js';
import type { Step } from './step.js';

type Spec = Extract<StepSpec, { manage: unknown }>['manage'];

export function manage(spec: Spec): Step {
  return {
    kind: 'manage',
    async run(ctx) {
      const label = `manage.py ${[spec.command, ...spec.args].join(' ')}`;
      ctx.events.phase('forward', label);
      const runner = await ctx.session.runner();
      await observedCommand(ctx, label, () => runner.manage([spec.command, ...spec.args]));
    },
  };
}
