// Where the live account of a run goes. The plain renderer prints timestamped
// phase lines to stderr (stdout is kept for the summary or --format json).
export interface Progress {
  /** A phase starts (sandbox, restore, forward ...). */
  phase(name: string, detail?: string): void;
  /** Something inside the current phase happened. */
  step(text: string): void;
  /** Django's own output, shown only with --verbose. */
  django(text: string): void;
}

export class PlainProgress implements Progress {
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
  django(text: string): void {
    if (!this.verbose) return;
    for (const line of text.split('\n')) if (line.trim()) this.out.write(`${this.stamp()}   | ${line}\n`);
  }
}

export const silentProgress: Progress = { phase() {}, step() {}, django() {} };
