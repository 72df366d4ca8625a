import { positiveInt } from '../shared/positiveInt.js';

export interface LatencyConfig {
  /** Messages measured per row. */
  messages: number;
  /** Messages sent first in each row and not counted (connections, JIT, caches). */
  warmup: number;
  /**
   * Pause between one message's arrival and the next send: latency, not throughput. Longer than
   * the SDK's 500 ms read-receipt debounce, so the receipt for one message (which wakes both
   * pages' syncs) is not in flight beside the next, as it would not be between a person's messages.
   */
  gapMs: number;
  /**
   * Diagnosis only: the pages' typing notices and read markers are dropped before they leave the
   * browser, to see what they cost the message beside them.
   */
  quiet: boolean;
}

export function readConfig(): LatencyConfig {
  return {
    messages: positiveInt('BENCH_MESSAGES', 100),
    warmup: positiveInt('BENCH_WARMUP', 5),
    gapMs: positiveInt('BENCH_GAP_MS', 800),
    quiet: process.env.BENCH_QUIET === '1',
  };
}
