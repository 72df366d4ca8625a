interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/**
 * One phase's progress on stderr: `users 120/1000 42.1/s ETA 21s`. On a terminal the line is
 * redrawn at most 4 times a second; otherwise a plain line is written at most once every 2 seconds,
 * so logs stay readable. `finish` always writes the final line.
 */
export class Progress {
  private done = 0;
  private readonly started: number;
  private lastDrawn = 0;

  constructor(
    private readonly phase: string,
    private readonly total: number,
    private readonly stream: ProgressStream,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  tick(): void {
    this.done++;
    const now = this.now();
    const interval = this.stream.isTTY ? 250 : 2_000;
    if (now - this.lastDrawn >= interval && this.done < this.total) {
      this.lastDrawn = now;
      this.draw(now, false);
    }
  }

  finish(): void {
    this.draw(this.now(), true);
  }

  private draw(now: number, final: boolean): void {
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = this.done / seconds;
    const remaining = this.total - this.done;
    const eta = final
      ? `in ${formatSeconds(seconds)}`
      : rate > 0
        ? `ETA ${formatSeconds(remaining / rate)}`
        : 'ETA ?';
    const text = `${this.phase.padEnd(11)} ${this.done}/${this.total} ${rate.toFixed(1)}/s ${eta}`;
    if (this.stream.isTTY) this.stream.write(`\r\x1b[2K${text}${final ? '\n' : ''}`);
    else this.stream.write(`${text}\n`);
  }
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}
