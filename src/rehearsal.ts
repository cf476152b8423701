// Puts a playbook, a sandbox and a project together: check the input, start a
// session, run the playbook's steps through the pipeline, and judge what the
// observers saw with the checks and the policy. The report is built from the
// events all of this emits (report/builder.ts).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { inspectRun } from './checks/index.js';
import type { RunFacts } from './checks/facts.js';
import type { CacheConfig } from './cache/for-session.js';
import type { Cleanup } from './cleanup.js';
import { DEFAULT_PG_TIMEOUTS, type PgTimeouts } from './django/shim.js';
import { resolvePython } from './django/venv.js';
import { UsageError } from './errors.js';
import type { ObservedFacts } from './observe/index.js';
import { Pipeline, type PauseHook } from './pipeline.js';
import { stepsOf } from './playbook/build.js';
import type { Playbook } from './playbook/schema.js';
import { applyPolicy, DEFAULT_MAX_LOCK_MS, type Policy } from './policy.js';
import type { Events } from './report/events.js';
import type { FindingWithPatch } from './report/model.js';
import { identifiersIn } from './report/redact.js';
import { RunState } from './run-state.js';
import type { SandboxProvider } from './sandbox/provider.js';
import { Session, type SessionConfig } from './session.js';
import { detectSnapshot } from './snapshot/detect.js';

export interface RunOptions {
  project: string;
  snapshot: string;
  python?: string;
  settings?: string;
  playbook: Playbook;
  policy: Policy;
  provider: SandboxProvider<unknown>;
  providerOptions: unknown;
  keep?: boolean;
  /** --probe-traffic */
  probeTraffic?: boolean;
  /** The interactive mode's pause between changes. */
  pause?: PauseHook;
  /** --migration-timeout, in seconds. */
  migrationTimeoutS?: number;
  /** --statement-timeout, --lock-timeout. */
  pgTimeouts?: PgTimeouts;
  /** --redact strict: of an error's message, only its type, sqlstate and identifiers. */
  redact?: 'default' | 'strict';
  /** The template cache; only a local sandbox keeps templates. */
  cache?: CacheConfig;
}

/** The project's folder, its manage.py and the Python to run it with; a missing one is a usage error. */
export function projectOf(opts: { project: string; python?: string }): { projectDir: string; managePy: string; python: string } {
  const projectDir = path.resolve(opts.project);
  if (!existsSync(projectDir) || !statSync(projectDir).isDirectory()) {
    throw new UsageError(`--project ${opts.project}: no such directory`);
  }
  const managePy = path.join(projectDir, 'manage.py');
  if (!existsSync(managePy)) throw new UsageError(`--project ${opts.project}: no manage.py there`);
  return { projectDir, managePy, python: resolvePython(opts.python, projectDir) };
}

/** Everything that can be checked before anything is started: bad input is exit 2. */
export async function prepare(opts: RunOptions): Promise<SessionConfig> {
  const { projectDir, managePy, python } = projectOf(opts);
  await opts.provider.preflight(opts.providerOptions);
  const snapshot = await detectSnapshot(opts.snapshot);
  return {
    projectDir, managePy, python, snapshot,
    ...(opts.settings ? { settings: opts.settings } : {}),
    provider: opts.provider, providerOptions: opts.providerOptions,
    keep: !!opts.keep, invariants: opts.playbook.invariants, probeTraffic: !!opts.probeTraffic,
    pgTimeouts: opts.pgTimeouts ?? DEFAULT_PG_TIMEOUTS,
    redact: opts.redact ?? 'default',
    ...(opts.cache && opts.provider.startsFromCache && !opts.keep ? { cache: opts.cache } : {}),
  };
}

/** Run the rehearsal; its findings and counts reach the report as events. Returns the session, still up, and what the steps knew. */
export async function rehearse(config: SessionConfig, opts: RunOptions, cleanup: Cleanup, events: Events): Promise<{ session: Session; state: RunState }> {
  const { snapshot } = config;
  events.emit({ type: 'snapshot', snapshot: { path: snapshot.path, format: snapshot.format, serverVersion: snapshot.serverVersion ?? null, bytes: snapshot.bytes } });
  const session = await Session.start(config, cleanup, events);
  const state = new RunState(events);
  await new Pipeline(session, state, events, {
    ...(opts.pause ? { pause: opts.pause } : {}),
    ...(opts.migrationTimeoutS ? { migrationTimeoutS: opts.migrationTimeoutS } : {}),
  }).run(stepsOf(opts.playbook));
  events.phase('checks');
  const observed = await events.timed('observeMs', () => session.observers.facts());
  if (!observed) throw new Error('the playbook ran no baseline step');
  events.emit({ type: 'invariants-checked', results: observed.invariants.map(({ name, when, holds, saw }) => ({ name, when, holds, saw })) });
  const facts = runFacts(config, state, observed, opts.policy);
  events.emit({ type: 'redaction', identifiers: [...facts.redaction.identifiers], strict: facts.redaction.strict });
  for (const finding of applyPolicy(inspectRun(facts), opts.policy)) events.emit({ type: 'finding', finding });
  return { session, state };
}

/** The findings of what the observers have seen so far, mid-run (the interactive pause): nothing is final yet. */
export async function findingsSoFar(session: Session, state: RunState, policy: Policy): Promise<FindingWithPatch[]> {
  const observed = await session.observers.peek();
  if (!observed) return [];
  return applyPolicy(inspectRun(runFacts(session.config, state, observed, policy)), policy);
}

function runFacts(config: SessionConfig, state: RunState, observed: ObservedFacts, policy: Policy): RunFacts {
  const { intro, migrations } = state;
  const identifiers = identifiersIn([
    ...observed.schema.baseline.lines,
    ...observed.schema.forward.flatMap((f) => f?.lines ?? []),
    ...intro.nodes.map((n) => `${n.app} ${n.name}`),
    ...migrations.flatMap((m) => [m.forward.error, m.backward.error, m.reforward.error])
      .flatMap((e) => (e ? [e.table ?? '', e.column ?? ''] : [])),
  ]);
  return {
    projectDir: config.projectDir, intro, migrations, redaction: { identifiers, strict: config.redact === 'strict' }, ...observed,
    budgets: { maxLockMs: policy.maxLockMs ?? DEFAULT_MAX_LOCK_MS, ...(policy.maxDurationMs !== undefined ? { maxDurationMs: policy.maxDurationMs } : {}) },
    ...(state.appliedAfterBackward ? { appliedAfterBackward: state.appliedAfterBackward } : {}),
    ...(state.models ? { models: state.models } : {}),
    ...(state.commands.length ? { commands: state.commands } : {}),
    ...(state.stepsRun.length ? { playbookSteps: state.stepsRun } : {}),
  };
}
