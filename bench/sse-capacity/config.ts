import { positiveInt } from '../shared/positiveInt.js';

export interface SseCapacityConfig {
  /** Idle users on each side (the issue: 1,000). */
  users: number;
  /** Messages per second during the fan-out run. */
  rate: number;
  /** Seconds of sending in the fan-out run. */
  seconds: number;
  /** Seconds over which idle CPU is measured, everyone connected. */
  idleSeconds: number;
  /** Users connected (or clients started) at a time during setup. */
  concurrency: number;
  /**
   * Seconds after the last user connected before the steady memory reading: past the broker's
   * initial-batch TTL (60 s) and its memory store's sweep (every 60 s).
   */
  steadySeconds: number;
  /** Only the SSE side (`BENCH_SIDES=sse`): for comparing broker changes, the baseline does not move. */
  sseOnly: boolean;
}

export function readConfig(): SseCapacityConfig {
  return {
    users: positiveInt('BENCH_USERS', 1000),
    rate: positiveInt('BENCH_RATE', 50),
    seconds: positiveInt('BENCH_SECONDS', 10),
    idleSeconds: positiveInt('BENCH_IDLE_SECONDS', 30),
    concurrency: positiveInt('BENCH_CONCURRENCY', 8),
    steadySeconds: positiveInt('BENCH_STEADY_SECONDS', 125),
    sseOnly: sides() === 'sse',
  };
}

function sides(): 'both' | 'sse' {
  const raw = process.env.BENCH_SIDES;
  if (raw === undefined || raw === '' || raw === 'both') return 'both';
  if (raw === 'sse') return 'sse';
  throw new Error(`BENCH_SIDES must be both or sse, not ${raw}`);
}
