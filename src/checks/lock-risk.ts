// LOCK_RISK: what a migration does to live traffic, measured on the real data
// and joined with the static lint (src/lint/). For every table a migration
// locked in a mode that blocks the application's reads or writes, the exact
// time it held the lock (observe/locks): on a table with data, over the budget
// (--max-lock-ms, default 2 s) it is an error, over 100 ms a warning. A lint
// hit the measurement shows harmless, or that nothing measured, is info, with
// the measured figure where there is one. Each says the table, the lock mode,
// what it blocks, for how long, at how many rows, whether the table was
// rewritten, and the safe Django alternative. Silence: the safe alternative, or
// a larger --max-lock-ms for a table nobody writes to during deploys.
import type { TableLock } from '../observe/locks/analysis.js';
import type { LintResult, StepLocks } from '../observe/locks/watch.js';
import type { LintHit } from '../lint/rule.js';
import { count } from '../format.js';
import { defineCheck, type Draft } from './facts.js';

type Out = Draft<'LOCK_RISK'>;
const WARN_MS = 100;

/** The safe way for a lock no lint rule named. */
function safeFor(l: TableLock): string {
  if (l.rewritten) return 'expand and contract: a new column or table, a batched copy, then the switch';
  if (l.mode === 'ShareLock') return 'AddIndexConcurrently (django.contrib.postgres.operations) in a migration with atomic = False';
  return 'a lock_timeout, and the change split so that the exclusive part is short';
}

function measured(step: StepLocks, l: TableLock, hit: LintHit | undefined, maxLockMs: number): Out | undefined {
  const hasData = l.rows > 0 || l.bytes > 0;
  const blocking = l.blocks !== 'other DDL only';
  const severity = blocking && hasData && l.heldMs > maxLockMs ? 'error' : blocking && hasData && l.heldMs > WARN_MS ? 'warning' : hit ? 'info' : undefined;
  if (!severity) return undefined;
  const name = `${step.app}.${step.migration}`;
  const what = blocking ? `would block ${l.blocks} on ${l.table}` : `locks ${l.table} (${l.blocks})`;
  return {
    code: 'LOCK_RISK', severity, app: step.app, migration: step.migration, table: l.table,
    message: `${name} ${step.phase === 'backward' ? 'reversed ' : ''}${what} for ~${count(Math.round(l.heldMs))} ms at today's ~${count(l.rows)} rows ` +
      `(${l.mode}${l.rewritten ? ', rewriting the table' : ''})${severity === 'error' ? `: over the ${count(maxLockMs)} ms budget` : ''}`,
    hint: hit?.safe ?? safeFor(l),
    details: {
      direction: step.phase, mode: l.mode, blocks: l.blocks, heldMs: l.heldMs, rows: l.rows, bytes: l.bytes,
      rewritten: l.rewritten, ...(hit ? { rule: hit.rule } : {}), ...(l.inferred ? { inferred: true } : {}),
    },
  };
}

export const lockRisk = defineCheck({
  codes: ['LOCK_RISK'],
  needs: 'run',
  phase: 'forward',
  inspect({ locks, budgets }) {
    const out: Out[] = [];
    const lintOf = (s: { app: string; migration: string }, direction: string): LintResult | undefined =>
      locks.lint.find((x) => x.app === s.app && x.migration === s.migration && x.direction === direction);
    const covered = new Set<LintHit>();
    for (const step of locks.steps.filter((s) => s.phase !== 'reforward')) {
      const hits = lintOf(step, step.phase)?.hits ?? [];
      for (const l of step.locks) {
        const hit = hits.find((h) => h.table === l.table && h.blocks);
        if (hit) covered.add(hit);
        const f = measured(step, l, hit, budgets.maxLockMs);
        if (f) out.push(f);
      }
    }
    // What only the lint saw: a rename, a dropped column, a default old code lacks, a missing lock_timeout.
    return [...out, ...lintFindings(locks.lint, covered, true)];
  },
});

/**
 * The lint hits no measurement covered. After a run they are info (what the run
 * measured said more); for `plan`, where nothing ran, a hit on a lock that
 * blocks reads or writes is a warning until `run` measures it.
 */
export function lintFindings(lint: readonly LintResult[], covered: ReadonlySet<LintHit>, measured: boolean): Out[] {
  return lint.filter((x) => x.direction === 'forward').flatMap((r) => r.hits.filter((h) => !covered.has(h)).map((hit): Out => {
    const blocking = !measured && !!hit.blocks && hit.blocks !== 'other DDL only';
    return {
      code: 'LOCK_RISK', severity: blocking ? 'warning' : 'info', app: r.app, migration: r.migration, ...(hit.table ? { table: hit.table } : {}),
      message: `${r.app}.${r.migration} ${hit.message}${blocking ? ' (not measured: `rehearse run` times it on the data)' : ''}`,
      hint: hit.safe, details: { direction: r.direction, rule: hit.rule, ...(measured ? {} : { measured: false }) },
    };
  }));
}
