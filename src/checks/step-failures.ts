// Shared by the checks of a failed step (forward, backward, reforward): every
// migration whose phase failed, with the error redacted for the report.
import type { MigratePhase } from '../report/events.js';
import type { FindingCode, MigrationRecord, StepError } from '../report/model.js';
import { redactError, type Redaction } from '../report/redact.js';
import type { Draft } from './facts.js';

type Said = Pick<Draft, 'message' | 'hint'> & Partial<Pick<Draft, 'details' | 'table' | 'column'>>;

export function stepFailures<C extends FindingCode>(
  migrations: readonly MigrationRecord[],
  phase: MigratePhase,
  code: C,
  redaction: Redaction,
  say: (name: string, why: string, error: StepError, index: number) => Said,
): Draft<C>[] {
  const out: Draft<C>[] = [];
  for (const [i, m] of migrations.entries()) {
    const step = m[phase];
    if (step.status !== 'failed' || !step.error) continue;
    out.push({ code, severity: 'error', app: m.app, migration: m.migration, ...say(`${m.app}.${m.migration}`, redactError(step.error, redaction), step.error, i) });
  }
  return out;
}
