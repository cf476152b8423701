// checkpoint and expect (playbook steps): check now. A checkpoint evaluates the
// invariants whose `after` names it; expect requires the invariants it names
// (all, when it names none) to hold at this point, or INVARIANT_FAILED.
import type { StepSpec } from '../playbook/schema.js';
import type { Step } from './step.js';

export function checkpoint(name: string): Step {
  return {
    kind: 'checkpoint',
    async run(ctx) {
      const t0 = performance.now();
      ctx.events.note(`checkpoint ${name}`);
      const ok = await ctx.checkpoint({ name });
      ctx.state.stepRan(`checkpoint ${name}`, { ok, ms: performance.now() - t0 });
    },
  };
}

type Expect = Extract<StepSpec, { expect: unknown }>['expect'];

export function expect(spec: Expect, position: number): Step {
  return {
    kind: 'expect',
    async run(ctx) {
      const name = `expect #${position}`;
      const t0 = performance.now();
      ctx.events.note(`${name}: ${spec.invariants.length ? spec.invariants.join(', ') : 'every invariant'}`);
      const ok = await ctx.checkpoint({ name, expect: spec.invariants });
      ctx.state.stepRan(name, { ok, ms: performance.now() - t0 });
    },
  };
}
