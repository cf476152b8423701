// What a person chooses before the run, made into a playbook: the target
// (everything, up to a migration, or a rollback drill to a recorded state),
// the checks and the policy. The same playbook can be saved and rerun
// unattended with `rehearse playbook FILE`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { BUILTIN_DIR, loadPlaybook } from '../playbook/load.js';
import type { Playbook, StepSpec } from '../playbook/schema.js';
import type { Asker } from './prompts.js';

export interface Pending {
  app: string;
  name: string;
  /** Its operations, described, and what the static checks said of it. */
  operations: string[];
  risks: string[];
}

export type Target =
  | { kind: 'all' }
  | { kind: 'upto'; app: string; name: string }
  | { kind: 'drill'; app: string; name: string } // back to just after APP.NAME (kept)
  | { kind: 'drill-snapshot' };

export interface Choices {
  target: Target;
  probeTraffic: boolean;
  failOnWarnings: boolean;
  allowIrreversible: string[];
  maxLockMs: number;
  pause: 'never' | 'each' | 'failure';
}

export async function chooseTarget(ask: Asker, plan: Pending[]): Promise<Target> {
  const kind = await ask.select<'all' | 'upto' | 'drill'>('What to rehearse?', [
    { name: 'Everything: forward, back to the snapshot\'s state, forward again', value: 'all' },
    { name: 'Up to a migration: forward to it, back, forward again', value: 'upto', disabled: plan.length < 2 && 'only one pending migration' },
    { name: 'A rollback drill: everything forward, then back to a state you choose, timed', value: 'drill' },
  ]);
  if (kind === 'all') return { kind };
  if (kind === 'upto') {
    const m = await ask.select('Up to which migration?', plan.map((p) => ({ name: `${p.app}.${p.name}`, value: p })));
    return { kind, app: m.app, name: m.name };
  }
  const back = await ask.select<Pending | undefined>('Roll back to which recorded state?', [
    { name: 'the snapshot\'s recorded state (production as it is now)', value: undefined },
    ...plan.slice(0, -1).map((p) => ({ name: `just after ${p.app}.${p.name} (reverting what came after it in ${p.app})`, value: p })),
  ]);
  return back ? { kind: 'drill', app: back.app, name: back.name } : { kind: 'drill-snapshot' };
}

export async function chooseChecks(ask: Asker, plan: Pending[], irreversible: string[]): Promise<Omit<Choices, 'target'>> {
  const flags = await ask.checkbox<'probe' | 'strict'>('Checks and policy', [
    { name: 'probe live traffic while each migration runs (how long reads and writes would queue)', value: 'probe' },
    { name: 'warnings fail the gate too', value: 'strict' },
  ]);
  const allowIrreversible = irreversible.length
    ? await ask.checkbox('These cannot be reversed. Accept any as one-way?', irreversible.map((m) => ({ name: m, value: m })))
    : [];
  const ms = await ask.input('Lock budget: a lock that blocks traffic longer than this is an error (ms)', {
    default: '2000', validate: (v) => (/^\d+$/.test(v) && Number(v) > 0) || 'a whole number of milliseconds',
  });
  const pause = await ask.select<Choices['pause']>('Pause during the run?', [
    { name: 'no, run straight through', value: 'never' },
    { name: 'after each migration (continue, see findings so far, open psql, or stop)', value: 'each' },
    { name: 'only when a migration fails', value: 'failure' },
  ], plan.length ? 'never' : undefined);
  return { probeTraffic: flags.includes('probe'), failOnWarnings: flags.includes('strict'), allowIrreversible, maxLockMs: Number(ms), pause };
}

/** The playbook these choices make: release-rehearsal.yml, shaped by the target and the policy. */
export function playbookOf(c: Choices): Playbook {
  const base = loadPlaybook(path.join(BUILTIN_DIR, 'release-rehearsal.yml'));
  const t = c.target;
  const steps: StepSpec[] = t.kind === 'all' ? base.steps
    : t.kind === 'upto' ? ['restore', 'baseline', { migrate: { app: t.app, to: t.name } }, { checkpoint: 'deployed' }, 'backward', 'reforward']
      : ['restore', 'baseline', 'forward', { checkpoint: 'deployed' },
        t.kind === 'drill' ? { migrate: { app: t.app, to: t.name } } : { migrate: 'snapshot' }, { checkpoint: 'rolled-back' }, 'reforward'];
  return {
    ...base,
    name: `interactive-${t.kind}`,
    description: describe(t),
    steps,
    policy: { ...base.policy, allowIrreversible: c.allowIrreversible, failOnWarnings: c.failOnWarnings, maxLockMs: c.maxLockMs },
  };
}

function describe(t: Target): string {
  if (t.kind === 'all') return 'Forward, a checkpoint, back to the snapshot\'s state, forward again.';
  if (t.kind === 'upto') return `Forward to ${t.app}.${t.name}, back, forward again.`;
  return `Forward, then a rollback drill to ${t.kind === 'drill' ? `just after ${t.app}.${t.name}` : 'the snapshot\'s recorded state'} (timed), forward again.`;
}

/** Write the playbook so that `rehearse playbook FILE` reruns it unattended. */
export function savePlaybook(playbook: Playbook, file: string): void {
  const schema = path.relative(path.dirname(path.resolve(file)), path.join(BUILTIN_DIR, 'playbook.schema.json'));
  const { invariants, ...rest } = playbook;
  const doc = { ...rest, ...(invariants.length ? { invariants } : {}) };
  writeFileSync(file, `# yaml-language-server: $schema=${schema}\n# Saved by \`rehearse interactive\`; rerun it with: rehearse playbook ${file} --snapshot FILE\n${stringify(doc)}`);
}
