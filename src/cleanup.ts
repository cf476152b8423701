// Every resource a run creates (server process, temp dir, database, container)
// registers its teardown here, so that a pass, a fail, an error, Ctrl-C and
// SIGTERM all end the same way: nothing left behind.
import { InterruptedError, type CannotRehearseError } from './errors.js';

type Teardown = { name: string; fn: () => Promise<void> };

export class Cleanup {
  private stack: Teardown[] = [];
  private closed = false;
  private draining: Promise<void> = Promise.resolve();
  private interruptedBy: NodeJS.Signals | undefined;
  private abortedWith: CannotRehearseError | undefined;
  private readonly waiters = new Set<(s: NodeJS.Signals) => void>();
  private readonly errors: string[] = [];

  /**
   * Register a teardown; they run last-in first-out. Registered after teardown has
   * begun (a resource that finished starting during an interrupt), it runs at once.
   */
  add(name: string, fn: () => Promise<void>): () => void {
    const entry = { name, fn };
    this.stack.push(entry);
    if (this.closed) void this.drain();
    return () => {
      this.stack = this.stack.filter((e) => e !== entry);
    };
  }

  /** How many teardowns are still registered. */
  get pending(): number {
    return this.stack.length;
  }

  get interrupted(): NodeJS.Signals | undefined {
    return this.interruptedBy;
  }

  /** Why the run was stopped from inside (a timeout), if it was. */
  get aborted(): CannotRehearseError | undefined {
    return this.abortedWith;
  }

  /** Throws InterruptedError if a signal arrived (or the abort's error): call between phases. */
  throwIfInterrupted(): void {
    if (this.interruptedBy) throw new InterruptedError(this.interruptedBy);
    if (this.abortedWith) throw this.abortedWith;
  }

  /**
   * Stop the run from inside (a timeout): tear everything down now, so that
   * whatever it waits on (a hung migration) fails; the run reports `err`.
   */
  abort(err: CannotRehearseError): void {
    if (this.abortedWith || this.interruptedBy) return;
    this.abortedWith = err;
    void this.drain();
  }

  /** Call `cb` when a signal arrives. Returns an unsubscribe function. */
  onInterrupt(cb: (s: NodeJS.Signals) => void): () => void {
    this.waiters.add(cb);
    return () => this.waiters.delete(cb);
  }

  /** Run every registered teardown once, collecting (not throwing) their errors. */
  drain(): Promise<string[]> {
    this.closed = true;
    this.draining = this.draining.then(async () => {
      while (this.stack.length > 0) {
        const entry = this.stack.pop()!;
        try {
          await entry.fn();
        } catch (err) {
          this.errors.push(`${entry.name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    });
    return this.draining.then(() => this.errors);
  }

  /**
   * A signal, or Ctrl-C at a prompt (which arrives as a key, not a signal): mark
   * the run interrupted and tear down at once; a second one exits.
   */
  interrupt(signal: NodeJS.Signals): void {
    if (this.interruptedBy) {
      void this.drain().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
      return;
    }
    this.interruptedBy = signal;
    for (const w of this.waiters) w(signal);
    // --keep waits for a signal to end the run: its waiter tears down on the normal path.
    if (this.waiters.size === 0) void this.drain();
  }

  /**
   * Install SIGINT/SIGTERM/SIGHUP handlers. A signal marks the run interrupted and
   * tears down at once: whatever the run was waiting on (a 20-minute migration, a
   * restore) fails, and the run's own error path reports the interrupt. A second
   * signal exits without waiting any longer.
   */
  installSignalHandlers(): () => void {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const handler = (signal: NodeJS.Signals) => this.interrupt(signal);
    for (const s of signals) process.on(s, handler);
    return () => {
      for (const s of signals) process.off(s, handler);
    };
  }
}
