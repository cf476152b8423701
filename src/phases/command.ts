// Shared by the playbook's command steps (a management command, SQL that
// writes): one change, observed like a migration, counted under its label.
import type { ManageResult } from '../django/runner.js';
import { stepErrorOf } from '../report/model.js';
import type { StepContext } from './step.js';

export async function observedCommand(ctx: StepContext, label: string, run: () => Promise<ManageResult>): Promise<void> {
  ctx.session.cleanup.throwIfInterrupted();
  const index = ctx.state.command(label);
  const r = await ctx.change({ phase: 'command', index, app: '', migration: label, target: '' }, run);
  ctx.state.stepRan(label, { ok: r.ok, ms: r.ms, ...(r.error ? { error: stepErrorOf(r.error) } : {}) });
}
