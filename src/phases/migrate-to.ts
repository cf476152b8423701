// migrate (a playbook step): `manage.py migrate APP TARGET`, forward or backward
// as Django plans it from where the database stands, one migration at a time
// so each is observed alone. `all` is the forward step, `snapshot` the backward
// one. Only pending migrations can be moved: a target before the snapshot's
// recorded state would revert what production runs, which a rehearsal of this
// release does not measure.
import { CannotRehearseError } from '../errors.js';
import type { StepSpec } from '../playbook/schema.js';
import { backward } from './backward.js';
import { forward } from './forward.js';
import { applyAndEnd, revertAndEnd } from './migrate.js';
import type { Step } from './step.js';

type Spec = Extract<StepSpec, { migrate: unknown }>['migrate'];

export function migrateTo(spec: Spec): Step {
  if (spec === 'all') return forward;
  if (spec === 'snapshot') return backward;
  return {
    kind: 'migrate',
    async run(ctx) {
      const { state, events, session } = ctx;
      const moves = await (await session.runner()).planTo(spec.app, spec.to);
      const indexes = moves.map(([app, name]) => {
        const i = state.indexOf(app, name);
        if (i === undefined) {
          throw new CannotRehearseError(`playbook step migrate ${spec.app} ${spec.to}: it would revert ${app}.${name}, which production has applied (before the snapshot's recorded state)`);
        }
        return i;
      });
      const back = moves.some(([, , backwards]) => backwards);
      events.phase(back ? 'backward' : 'forward', `migrate ${spec.app} ${spec.to}: ${indexes.length} migration(s)`);
      await (back ? revertAndEnd(ctx, indexes) : applyAndEnd(ctx, indexes));
    },
  };
}
