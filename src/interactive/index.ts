// `rehearse` on a terminal (or `rehearse interactive`): a person rehearsing a
// release. Choose the snapshot, confirm the project, see the pending plan with
// each migration's operations and static risks (the `plan` machinery, no
// server), choose the target, the checks and the policy, then run with the live
// view, pausing if asked; afterwards browse, keep, re-run the way back, or save
// the choices as a playbook. Ctrl-C anywhere tears everything down.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Cleanup } from '../cleanup.js';
import { doctorLines } from '../cli/doctor.js';
import { cacheOf } from '../cli/run.js';
import { runLifecycle } from '../cli/lifecycle.js';
import { keyOf } from '../django/introspection.js';
import { resolvePython } from '../django/venv.js';
import { exitCodeOf, oneLine } from '../errors.js';
import { planRelease } from '../plan.js';
import type { Policy } from '../policy.js';
import { prepare, rehearse } from '../rehearsal.js';
import { Events } from '../report/events.js';
import type { FindingWithPatch } from '../report/model.js';
import { providerFor } from '../sandbox/registry.js';
import { chooseChecks, chooseTarget, playbookOf, type Pending } from './choices.js';
import { pauseHook } from './pause.js';
import { Asker } from './prompts.js';
import { findingLine, reviewMenu } from './review.js';
import { findSnapshots } from './snapshots.js';

export interface InteractiveFlags {
  project?: string;
  snapshot?: string;
  python?: string;
  settings?: string;
  reportDir?: string;
  verbose?: boolean;
  /** The template cache, as for run (--no-cache, --cache-dir). */
  cache?: boolean;
  cacheDir?: string;
  sandbox: string;
  [providerFlag: string]: unknown;
}

const say = (text: string): void => void process.stderr.write(`${text}\n`);

async function chooseProject(ask: Asker, given: string | undefined): Promise<string> {
  const here = given ?? process.cwd();
  if (existsSync(path.join(here, 'manage.py'))) {
    if (await ask.confirm(`Django project: ${path.resolve(here)}?`)) return path.resolve(here);
  }
  const dir = await ask.input('Where is the Django project (the folder holding manage.py)?', {
    validate: (v) => existsSync(path.join(v, 'manage.py')) || `no manage.py in ${v}`,
  });
  return path.resolve(dir);
}

async function chooseSnapshot(ask: Asker, projectDir: string, given: string | undefined): Promise<string> {
  if (given) return given;
  const found = await findSnapshots(projectDir);
  const picked = found.length
    ? await ask.select<string | undefined>('Which snapshot?', [
      ...found.map((f) => ({ name: f.label, value: f.info.path })),
      { name: 'another file: type its path', value: undefined },
    ])
    : undefined;
  return picked ?? ask.input('Path of the snapshot (pg_dump -Fc, -Fd, -Ft, .sql or .sql.gz)', {
    validate: (v) => existsSync(v) || `no such file: ${v}`,
  });
}

/** The pending plan with each migration's operations and what the static checks said of it. */
function showPlan(pending: Pending[], history: FindingWithPatch[]): void {
  for (const f of history) say(`  ${findingLine(f)}`);
  if (!pending.length) {
    say('nothing is pending: the project\'s migrations are all recorded in the snapshot');
    return;
  }
  say(`${pending.length} pending migration(s), in the order migrate applies them:`);
  for (const p of pending) {
    say(`  ${p.app}.${p.name}`);
    for (const op of p.operations) say(`      ${op}`);
    for (const r of p.risks) say(`    ! ${r}`);
  }
}

export async function interactiveCommand(flags: InteractiveFlags): Promise<number> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    say('rehearse: the interactive mode needs a terminal; in a pipeline use `rehearse run` (or `rehearse plan`)');
    return 2;
  }
  // Until the run starts, only the static plan's Django process is up: its own cleanup.
  const setup = new Cleanup();
  const uninstall = setup.installSignalHandlers();
  const ask = new Asker(setup);
  let chosen;
  try {
    const projectDir = await chooseProject(ask, flags.project);
    const python = flags.python ?? (await ask.input('Python with Django and the project\'s dependencies', { default: resolvePython(undefined, projectDir) }));
    const settings = flags.settings ?? ((await ask.input('Settings module (empty: whatever manage.py sets)', { default: '' })) || undefined);
    const problems = (await doctorLines({ project: projectDir, python, ...flags }, [flags.sandbox])).filter((l) => l.status !== 'ok');
    for (const l of problems) say(`${l.status === 'missing' ? '✗' : '!'} ${l.what}: ${l.detail}${l.fix ? `\n    fix: ${l.fix}` : ''}`);
    if (problems.some((l) => l.status === 'missing') && !(await ask.confirm('Something is missing (above). Go on anyway?', false))) return 1;
    const snapshot = await chooseSnapshot(ask, projectDir, flags.snapshot);
    say('reading the pending plan (the dump\'s django_migrations and the migration files; no server) ...');
    const base: Policy = { allowLoss: [], allowIrreversible: [], allowOverwrite: [] };
    const { intro, findings } = await planRelease({ project: projectDir, snapshot, python, ...(settings ? { settings } : {}), policy: base }, setup, new Events());
    await setup.drain();
    const ops = new Map(intro.nodes.map((n) => [keyOf(n.app, n.name), n.operations.map((o) => o.describe)]));
    const pending: Pending[] = intro.plan.map(([app, name]) => ({
      app, name, operations: ops.get(keyOf(app, name)) ?? [],
      risks: findings.filter((f) => f.app === app && f.migration === name).map((f) => `${f.code}: ${f.message}`),
    }));
    showPlan(pending, findings.filter((f) => !intro.plan.some(([a, n]) => a === f.app && n === f.migration)));
    const target = await chooseTarget(ask, pending);
    const irreversible = findings.filter((f) => f.code === 'IRREVERSIBLE').map((f) => `${f.app}.${f.migration}`);
    const checks = await chooseChecks(ask, pending, irreversible);
    if (!(await ask.confirm('Start the rehearsal?'))) return 0;
    chosen = { projectDir, python, settings, snapshot, choices: { target, ...checks } };
  } catch (err) {
    await setup.drain();
    say(`rehearse: ${setup.interrupted ? 'interrupted; everything was torn down' : oneLine(err)}`);
    return setup.interrupted ? 130 : exitCodeOf(err);
  } finally {
    uninstall();
  }
  return rehearseChosen(flags, chosen);
}

async function rehearseChosen(
  flags: InteractiveFlags,
  chosen: { projectDir: string; python: string; settings: string | undefined; snapshot: string; choices: Parameters<typeof playbookOf>[0] },
): Promise<number> {
  const playbook = playbookOf(chosen.choices);
  const provider = providerFor(flags.sandbox);
  const policy: Policy = { ...playbook.policy };
  let ask: Asker | undefined;
  return runLifecycle({ format: 'text', ...(flags.reportDir ? { reportDir: flags.reportDir } : {}), ...(flags.verbose ? { verbose: true } : {}) },
    async (cleanup, events, terminal) => {
      ask = new Asker(cleanup);
      const { pause } = chosen.choices;
      const opts = {
        project: chosen.projectDir, snapshot: chosen.snapshot, python: chosen.python, playbook, policy,
        ...(chosen.settings ? { settings: chosen.settings } : {}),
        provider, providerOptions: provider.options(flags),
        ...(chosen.choices.probeTraffic ? { probeTraffic: true } : {}),
        // Rehearsing again and again is what a person at a terminal does: the cache is for them.
        ...cacheOf(flags),
        ...(pause !== 'never' ? { pause: pauseHook(pause, ask, terminal, cleanup, policy) } : {}),
      };
      const { session, state } = await rehearse(await prepare(opts), opts, cleanup, events);
      return { session, state, failOnWarnings: policy.failOnWarnings ?? false };
    },
    async (report, ctx) => reviewMenu(ask ?? new Asker(ctx.cleanup), report, ctx, playbook));
}
