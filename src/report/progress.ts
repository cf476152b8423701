// Where the live account of a run goes: each renderer turns the run's events
// into what a person or a log sees. The plain renderer prints timestamped phase
// lines to stderr (stdout is kept for the summary or --format json); the live
// view on a terminal is ./live.ts. What each event says is written once, here.
import type { RunEvent } from './events.js';

export interface Renderer {
  handle(e: RunEvent): void;
  /** Wait for the last frame (the live view). */
  close?(): Promise<void>;
  /** Hand the terminal over (a prompt, a shell) and take it back (the live view). */
  suspend?(): Promise<void>;
  resume?(): void;
}

/** The line an event adds inside its phase, if it adds one. */
export function stepLine(e: RunEvent): string | undefined {
  if (e.type === 'note') return e.text;
  if (e.type !== 'step-finished') return undefined;
  const name = `${e.app}.${e.migration}`;
  if (e.phase === 'forward') return e.status === 'applied' ? `✓ ${name} (${e.ms} ms)` : `✗ ${name} failed (${e.ms} ms)`;
  if (e.phase === 'reforward') return e.status === 'applied' ? `✓ ${name} (${e.ms} ms)` : `✗ ${name} failed again`;
  if (e.status === 'reverted') return `↩ ${name} (${e.ms} ms)`;
  return `✗ ${name} ${e.status === 'irreversible' ? 'is irreversible' : 'failed to reverse'}`;
}

export class PlainProgress implements Renderer {
  private lastTick = 0;
  constructor(
    private readonly out: NodeJS.WritableStream = process.stderr,
    private readonly verbose = false,
  ) {}

  private stamp(): string {
    return new Date().toISOString().slice(11, 19);
  }

  handle(e: RunEvent): void {
    if (e.type === 'phase') return void this.out.write(`${this.stamp()} ${e.phase}${e.detail ? `: ${e.detail}` : ''}\n`);
    if (e.type === 'tick') return this.tick(e.text);
    if (e.type === 'django-output') return this.django(e.text);
    const line = stepLine(e);
    if (line) this.out.write(`${this.stamp()}   ${line}\n`);
  }

  private tick(text: string): void {
    // A log line every 5 s at most: progress, not noise.
    if (Date.now() - this.lastTick < 5000) return;
    this.lastTick = Date.now();
    this.out.write(`${this.stamp()}   ${text}\n`);
  }

  private django(text: string): void {
    if (!this.verbose) return;
    for (const line of text.split('\n')) if (line.trim()) this.out.write(`${this.stamp()}   | ${line}\n`);
  }
}

export const silentProgress: Renderer = { handle() {} };
