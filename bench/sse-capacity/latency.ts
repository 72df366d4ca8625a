/** What the sender puts in each message's content, so consumers can time its delivery. */
export const BENCH_FIELD = 'org.openmeet.bench';

export interface BenchMark {
  /** Which latency run the message belongs to (older messages also show up in initial syncs). */
  run: string;
  seq: number;
  /** Epoch microseconds, comparable across processes (Matrix JSON has no floats). */
  sentAtUs: number;
}

export interface LatencySummary {
  /** Deliveries seen (messages × consumers, when nothing is lost). */
  deliveries: number;
  /** Milliseconds; null without deliveries. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** Epoch milliseconds from the monotonic clock, comparable between processes on one machine. */
export const preciseNow = () => performance.timeOrigin + performance.now();

/** Collects send → arrival times of one run's messages, at every consumer of this process. */
export class LatencyRecorder {
  #run: string | undefined;
  #samples: number[] = [];

  start(run: string): void {
    this.#run = run;
    this.#samples = [];
  }

  /** Records `content` if it is a message of the current run. */
  record(content: unknown, arrivedAt = preciseNow()): void {
    if (this.#run === undefined || typeof content !== 'object' || content === null) return;
    const mark = (content as Record<string, unknown>)[BENCH_FIELD] as BenchMark | undefined;
    if (mark?.run === this.#run) this.#samples.push(arrivedAt - mark.sentAtUs / 1000);
  }

  get count(): number {
    return this.#samples.length;
  }

  stop(): LatencySummary {
    this.#run = undefined;
    const sorted = Float64Array.from(this.#samples).sort();
    this.#samples = [];
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
    return { deliveries: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
  }
}
