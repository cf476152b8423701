// `rehearse run` and `rehearse playbook`: the flags, made into the rehearsal's
// options. The rehearsal itself lives in ../rehearsal.ts; signals, teardown,
// reports and the exit code in ./lifecycle.ts.
import path from 'node:path';
import type { CacheConfig } from '../cache/for-session.js';
import { DEFAULT_MAX_BYTES, defaultCacheDir } from '../cache/template-cache.js';
import { UsageError } from '../errors.js';
import { loadPlaybook, parseVars } from '../playbook/load.js';
import { COLUMN_REF, MIGRATION_REF, TABLE_REF, type Playbook } from '../playbook/schema.js';
import type { Policy } from '../policy.js';
import { prepare, rehearse, type RunOptions } from '../rehearsal.js';
import { providerFor } from '../sandbox/registry.js';
import { DEFAULT_PG_TIMEOUTS } from '../django/shim.js';
import { runLifecycle, seconds, type Review } from './lifecycle.js';

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
  /** Seconds: the whole run, one migration, Django's statements and lock waits in the sandbox. */
  timeout?: string;
  migrationTimeout?: string;
  statementTimeout?: string;
  lockTimeout?: string;
  redact?: 'default' | 'strict';
  /** --no-cache sets it false; --cache-dir DIR, --cache-max-gb N, --cache-digest sampled|full. */
  cache?: boolean;
  cacheDir?: string;
  cacheMaxGb?: string;
  cacheDigest?: 'sampled' | 'full';
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
    ...(flags.redact === 'strict' ? { redact: 'strict' as const } : {}),
    ...(flags.migrationTimeout ? { migrationTimeoutS: seconds('--migration-timeout', flags.migrationTimeout)! } : {}),
    pgTimeouts: {
      statementS: secondsOrNone('--statement-timeout', flags.statementTimeout) ?? DEFAULT_PG_TIMEOUTS.statementS,
      lockS: secondsOrNone('--lock-timeout', flags.lockTimeout) ?? DEFAULT_PG_TIMEOUTS.lockS,
    },
    provider,
    providerOptions: provider.options(flags),
    ...(flags.python ? { python: flags.python } : {}),
    ...(flags.settings ? { settings: flags.settings } : {}),
    ...(flags.keep ? { keep: true } : {}),
    ...cacheOf(flags),
  };
}

/**
 * The template cache: on by default for a person, off in CI (a pipeline's
 * machine is usually fresh, and production data should not stay on a shared
 * runner) unless --cache-dir asks for it; --no-cache turns it off everywhere.
 */
export function cacheOf(flags: Pick<RunFlags, 'cache' | 'cacheDir' | 'cacheMaxGb' | 'cacheDigest'>): { cache?: CacheConfig } {
  const maxGb = flags.cacheMaxGb === undefined ? undefined : Number(flags.cacheMaxGb);
  if (maxGb !== undefined && !(maxGb > 0)) throw new UsageError(`--cache-max-gb ${flags.cacheMaxGb}: expected a positive number of GB`);
  if (flags.cache === false || (process.env.CI && !flags.cacheDir)) return {};
  return {
    cache: {
      dir: path.resolve(flags.cacheDir ?? defaultCacheDir()),
      maxBytes: maxGb !== undefined ? maxGb * 1024 ** 3 : DEFAULT_MAX_BYTES,
      digest: flags.cacheDigest ?? 'sampled',
    },
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

/** Seconds, where 0 means none (PostgreSQL's own meaning of a zero timeout). */
function secondsOrNone(flag: string, value: string | undefined): number | undefined {
  return value === '0' ? 0 : seconds(flag, value);
}
