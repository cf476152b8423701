// Errors that map to the contract's exit codes. Anything else is a bug and exits 3
// (we could not rehearse), with its message on one line.

/** Exit 2: bad flags, missing or unreadable files, invalid playbook. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** Exit 3: the sandbox, the restore or the Django project could not be brought up. */
export class CannotRehearseError extends Error {
  readonly exitCode = 3;
}

/** Exit 3: a migration or the whole run went past its time (--migration-timeout, --timeout); everything was torn down. */
export class TimedOutError extends CannotRehearseError {}

/** Exit 130/143: the run was interrupted by a signal and has torn down. */
export class InterruptedError extends Error {
  readonly exitCode: number;
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.exitCode = signal === 'SIGINT' ? 130 : 143;
  }
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError || err instanceof CannotRehearseError || err instanceof InterruptedError) {
    return err.exitCode;
  }
  return 3;
}

/** One line, no stack: what a pipeline log should show. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
