import { positiveInt } from '../shared/positiveInt.js';

export interface TimelineConfig {
  /** Messages in the room. */
  messages: number;
  /** Stop once the view has scrolled back past this many messages (or the room's beginning). */
  scrollMessages: number;
  /** Pixels scrolled up per animation frame. */
  stepPx: number;
  /** Sends to Synapse in flight while seeding. */
  seedConcurrency: number;
  /** Seconds each scroll session may take before it stops where it is. */
  timeoutSec: number;
  /** Print the first frames that shifted, per list. */
  trace: boolean;
}

export function readTimelineConfig(): TimelineConfig {
  const config = {
    messages: positiveInt('BENCH_MESSAGES', 10_000),
    scrollMessages: positiveInt('BENCH_SCROLL_MESSAGES', 3_000),
    stepPx: positiveInt('BENCH_SCROLL_STEP', 40),
    seedConcurrency: positiveInt('BENCH_SEED_CONCURRENCY', 8),
    timeoutSec: positiveInt('BENCH_TIMEOUT', 900),
    trace: process.env.BENCH_TRACE === '1',
  };
  if (config.scrollMessages >= config.messages)
    throw new Error('BENCH_SCROLL_MESSAGES must be below BENCH_MESSAGES');
  return config;
}
