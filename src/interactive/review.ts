// After the run, with the sandbox still up: browse each finding with its
// details and diff, keep the sandbox open (a psql command line and a
// DATABASE_URL, held until Enter), re-run the backward step alone (a second
// timing of the way back), or save the choices as a playbook.
import type { ReviewContext } from '../cli/lifecycle.js';
import { nodeMap, unapplyTarget } from '../django/introspection.js';
import type { Playbook } from '../playbook/schema.js';
import type { Finding, Report } from '../report/model.js';
import { savePlaybook } from './choices.js';
import type { Asker } from './prompts.js';
import { urlOf } from '../env.js';

/** One line per finding: severity, code, where, what. */
export function findingLine(f: Finding): string {
  const where = [f.migration ? `${f.app}.${f.migration}` : f.app, f.table ? `${f.table}${f.column ? `.${f.column}` : ''}` : undefined].filter(Boolean).join(' · ');
  return `${f.allowed ? 'allowed' : f.severity.padEnd(7)} ${f.code}${where ? ` ${where}` : ''}: ${f.message}`;
}

function details(f: Finding, patch: string | undefined): string {
  const lines = [findingLine(f), ...(f.hint ? [`fix: ${f.hint}`] : [])];
  if (f.lost !== undefined) lines.push(`lost: ${f.lost}`);
  if (f.details && Object.keys(f.details).length) lines.push(`details: ${JSON.stringify(f.details)}`);
  if (patch) lines.push(patch);
  return `${lines.join('\n')}\n`;
}

async function browse(ask: Asker, report: Report, ctx: ReviewContext): Promise<void> {
  if (!report.findings.length) return void process.stderr.write('no findings\n');
  for (;;) {
    const f = await ask.select<Finding | undefined>('Which finding?', [
      ...report.findings.map((x) => ({ name: findingLine(x).slice(0, 110), value: x })),
      { name: '← back', value: undefined },
    ]);
    if (!f) return;
    process.stderr.write(details(f, ctx.patchOf(f)));
  }
}

/** Revert what is applied now, newest first, timed: the way back once more, without the observers (the report keeps the run's own). */
async function backwardAgain(ctx: ReviewContext): Promise<void> {
  const { session, state } = ctx;
  if (!session || !state) return;
  const applied = state.appliedNow();
  if (!applied.length) return void process.stderr.write('nothing is applied now: there is no way back to take\n');
  const nodes = nodeMap(state.intro);
  const runner = await session.runner();
  let total = 0;
  for (const i of [...applied].sort((a, b) => b - a)) {
    const m = state.migrations[i]!;
    const r = await runner.migrate(m.app, unapplyTarget(nodes, m.app, m.migration));
    total += r.ms;
    process.stderr.write(`${r.ok ? '↩' : '✗'} ${m.app}.${m.migration} (${Math.round(r.ms)} ms)${r.ok ? '' : `: ${r.error?.type ?? 'failed'}`}\n`);
    if (!r.ok) return void process.stderr.write('the way back stops here; the work database is as this left it\n');
  }
  process.stderr.write(`the way back took ${(total / 1000).toFixed(1)} s this time; the work database is at the snapshot's state\n`);
}

async function keepOpen(ask: Asker, ctx: ReviewContext): Promise<void> {
  const { session } = ctx;
  if (!session) return;
  const work = session.sandbox.conn(session.databases.work);
  process.stderr.write(`the sandbox is up:\n  ${session.sandbox.describe(session.databases.work)}\n  DATABASE_URL=${urlOf(work)}\n` +
    `  (the untouched snapshot is ${session.databases.template})\n`);
  await ask.input('Press Enter to tear it down');
}

export async function reviewMenu(ask: Asker, report: Report, ctx: ReviewContext, playbook: Playbook): Promise<void> {
  for (;;) {
    const next = await ask.select<'browse' | 'keep' | 'backward' | 'save' | 'done'>('What now?', [
      { name: `browse the findings (${report.findings.length})`, value: 'browse' },
      { name: 'keep the sandbox open to look at it (psql, DATABASE_URL)', value: 'keep' },
      { name: 'run the way back again (backward only, timed)', value: 'backward' },
      { name: 'save these choices as a playbook', value: 'save' },
      { name: 'done: tear everything down', value: 'done' },
    ]);
    if (next === 'done') return;
    if (next === 'browse') await browse(ask, report, ctx);
    if (next === 'backward') await backwardAgain(ctx);
    if (next === 'save') {
      const file = await ask.input('Save as', { default: `rehearse-${playbook.name}.yml` });
      savePlaybook(playbook, file);
      const cfg = ctx.session?.config;
      const where = cfg ? ` --project ${cfg.projectDir} --python ${cfg.python}` : '';
      process.stderr.write(`saved ${file}: rerun it with  rehearse playbook ${file}${where} --snapshot ${report.snapshot?.path ?? 'FILE'}\n`);
    }
    if (next === 'keep') {
      await keepOpen(ask, ctx);
      return;
    }
  }
}
