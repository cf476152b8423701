// Every resource a run creates (server process, temp dir, database, container)
// registers its teardown here, so that a pass, a fail, an error, Ctrl-C and
// SIGTERM all end the same way: nothing left behind.
import { InterruptedError } from './errors.js';

type Teardown = { name: string; fn: () => Promise<void> };

export class Cleanup {
  private stack: Teardown[] = [];
  private running: Promise<void> | undefined;
  private interruptedBy: NodeJS.Signals | undefined;
  private readonly waiters = new Set<(s: NodeJS.Signals) => void>();

  /** Register a teardown; they run last-in first-out. Returns an unregister function. */
  add(name: string, fn: () => Promise<void>): () => void {
    const entry = { name, fn };
    this.stack.push(entry);
    return () => {
      this.stack = this.stack.filter((e) => e !== entry);
    };
  }

  get interrupted(): NodeJS.Signals | undefined {
    return this.interruptedBy;
  }

  /** Throws InterruptedError if a signal arrived: call between phases. */
  throwIfInterrupted(): void {
    if (this.interruptedBy) throw new InterruptedError(this.interruptedBy);
  }

  /** Resolves never unless interrupted; lets long awaits race a signal. */
  onInterrupt(cb: (s: NodeJS.Signals) => void): () => void {
    this.waiters.add(cb);
    return () => this.waiters.delete(cb);
  }

  /** Run every teardown once, collecting (not throwing) their errors. */
  async run(): Promise<string[]> {
    if (!this.running) {
      this.running = (async () => {
        while (this.stack.length > 0) {
          const entry = this.stack.pop()!;
          try {
            await entry.fn();
          } catch (err) {
            this.errors.push(`${entry.name}: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      })();
    }
    await this.running;
    return this.errors;
  }
  private readonly errors: string[] = [];

  /**
   * Install SIGINT/SIGTERM/SIGHUP handlers. A signal marks the run interrupted and
   * wakes whatever is waiting; the run's own finally path then tears down. A second
   * signal tears down at once and exits.
   */
  installSignalHandlers(): () => void {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const handler = (signal: NodeJS.Signals) => {
      if (this.interruptedBy) {
        void this.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
        return;
      }
      this.interruptedBy = signal;
      for (const w of this.waiters) w(signal);
    };
    for (const s of signals) process.on(s, handler);
    return () => {
      for (const s of signals) process.off(s, handler);
    };
  }
}
