// `rehearse run` and `rehearse playbook`: the flags, made into the rehearsal's
// options. The rehearsal itself lives in ../rehearsal.ts; signals, teardown,
// reports and the exit code in ./lifecycle.ts.
import { UsageError } from '../errors.js';
import { loadPlaybook, parseVars } from '../playbook/load.js';
import { COLUMN_REF, MIGRATION_REF, TABLE_REF, type Playbook } from '../playbook/schema.js';
import type { Policy } from '../policy.js';
import { prepare, rehearse, type RunOptions } from '../rehearsal.js';
import { providerFor } from '../sandbox/registry.js';
import { runLifecycle, type Review } from './lifecycle.js';

export interface PolicyFlags {
  allowLoss: string[];
  allowIrreversible: string[];
  allowOverwrite: string[];
  maxLockMs?: string;
  maxDurationMs?: string;
}

export interface RunFlags extends PolicyFlags {
  project: string;
  snapshot?: string;
  python?: string;
  settings?: string;
  reportDir?: string;
  probeTraffic?: boolean;
  playbook?: string;
  /** --var NAME=VALUE for the playbook's ${NAME}. */
  var: string[];
  keep?: boolean;
  /** On a terminal, ask "deploy anyway?" when the gate fails or warns. */
  approve?: boolean;
  sandbox: string;
  format: string;
  quiet?: boolean;
  verbose?: boolean;
  /** Each sandbox provider's own flags (--image, --server-url, --pg-bin ...). */
  [providerFlag: string]: unknown;
}

/** The --allow-* and budget flags over a playbook's policy; a malformed one is a usage error (exit 2). */
export function policyOf(flags: PolicyFlags, playbook: Playbook): Policy {
  for (const m of flags.allowIrreversible) {
    if (!MIGRATION_REF.test(m)) throw new UsageError(`--allow-irreversible ${m}: expected APP.MIGRATION`);
  }
  for (const t of flags.allowLoss) {
    if (!TABLE_REF.test(t)) throw new UsageError(`--allow-loss ${t}: expected TABLE, TABLE.COLUMN, SCHEMA.TABLE or SCHEMA.TABLE.COLUMN`);
  }
  for (const t of flags.allowOverwrite) {
    if (!COLUMN_REF.test(t)) throw new UsageError(`--allow-overwrite ${t}: expected TABLE.COLUMN or SCHEMA.TABLE.COLUMN`);
  }
  return {
    allowLoss: [...playbook.policy.allowLoss, ...flags.allowLoss],
    allowIrreversible: [...playbook.policy.allowIrreversible, ...flags.allowIrreversible],
    allowOverwrite: [...playbook.policy.allowOverwrite, ...flags.allowOverwrite],
    failOnWarnings: playbook.policy.failOnWarnings,
    ...budget('--max-lock-ms', flags.maxLockMs, 'maxLockMs', playbook.policy.maxLockMs),
    ...budget('--max-duration-ms', flags.maxDurationMs, 'maxDurationMs', playbook.policy.maxDurationMs),
  };
}

/** The run's options from the flags; any problem is a usage error (exit 2). */
function optionsOf(flags: RunFlags): RunOptions {
  if (!flags.snapshot) throw new UsageError('--snapshot FILE is required');
  const playbook = loadPlaybook(flags.playbook, parseVars(flags.var ?? []));
  const policy = policyOf(flags, playbook);
  const provider = providerFor(flags.sandbox);
  return {
    project: flags.project,
    snapshot: flags.snapshot,
    playbook,
    policy,
    ...(flags.probeTraffic ? { probeTraffic: true } : {}),
    provider,
    providerOptions: provider.options(flags),
    ...(flags.python ? { python: flags.python } : {}),
    ...(flags.settings ? { settings: flags.settings } : {}),
    ...(flags.keep ? { keep: true } : {}),
  };
}

/** A budget in ms from its flag (over the playbook's); not a positive whole number is a usage error. */
function budget<K extends string>(flag: string, given: string | undefined, key: K, fromPlaybook: number | undefined): Partial<Record<K, number>> {
  if (given === undefined) return fromPlaybook !== undefined ? ({ [key]: fromPlaybook } as Record<K, number>) : {};
  const n = Number(given);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} ${given}: expected a whole number of milliseconds`);
  return { [key]: n } as Record<K, number>;
}

export async function runCommand(flags: RunFlags, review?: Review): Promise<number> {
  return runLifecycle(flags, async (cleanup, events) => {
    const opts = optionsOf(flags);
    const { session, state } = await rehearse(await prepare(opts), opts, cleanup, events);
    return { session, state, failOnWarnings: opts.policy.failOnWarnings ?? false };
  }, review);
}
