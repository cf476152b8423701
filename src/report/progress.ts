// Where the live account of a run goes. The plain renderer prints timestamped
// phase lines to stderr (stdout is kept for the summary or --format json).
export interface Progress {
  /** A phase starts (sandbox, restore, forward ...). */
  phase(name: string, detail?: string): void;
  /** Something inside the current phase happened. */
  step(text: string): void;
  /** Django's own output, shown only with --verbose. */
  django(text: string): void;
  /** How far a long phase has got (a restore of many GB): shown live, or every few seconds in logs. */
  tick(text: string): void;
  /** Wait for the last frame (the live view). */
  close?(): Promise<void>;
}

export class PlainProgress implements Progress {
  private lastTick = 0;
  constructor(
    private readonly out: NodeJS.WritableStream = process.stderr,
    private readonly verbose = false,
  ) {}
  private stamp(): string {
    return new Date().toISOString().slice(11, 19);
  }
  phase(name: string, detail?: string): void {
    this.out.write(`${this.stamp()} ${name}${detail ? `: ${detail}` : ''}\n`);
  }
  step(text: string): void {
    this.out.write(`${this.stamp()}   ${text}\n`);
  }
  tick(text: string): void {
    // A log line every 5 s at most: progress, not noise.
    if (Date.now() - this.lastTick < 5000) return;
    this.lastTick = Date.now();
    this.step(text);
  }
  django(text: string): void {
    if (!this.verbose) return;
    for (const line of text.split('\n')) if (line.trim()) this.out.write(`${this.stamp()}   | ${line}\n`);
  }
}

export const silentProgress: Progress = { phase() {}, step() {}, django() {}, tick() {} };
