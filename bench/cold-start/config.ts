import { positiveInt } from '../shared/positiveInt.js';

export type Transport = 'auto' | 'direct' | 'sse';

export interface ColdStartConfig {
  /** Rooms the user is in (each a private group of the host app). */
  rooms: number;
  /** Messages in each room before the runs. */
  messagesPerRoom: number;
  /** Measured page opens (and raw syncs); one more of each first, as a warm-up. */
  runs: number;
  /** Rooms seeded at a time (each room's messages go one after another). */
  concurrency: number;
  /** The app's transport (`?transport=`); `auto` is what the example app uses by default. */
  transport: Transport;
  /** After the runs, one more page open under V8's CPU profiler, its busiest functions printed. */
  profile: boolean;
}

const TRANSPORTS: readonly Transport[] = ['auto', 'direct', 'sse'];

export function readConfig(): ColdStartConfig {
  const transport = process.env.BENCH_TRANSPORT || 'auto';
  if (!TRANSPORTS.includes(transport as Transport)) {
    throw new Error(`BENCH_TRANSPORT must be auto, direct or sse, not ${transport}`);
  }
  return {
    rooms: positiveInt('BENCH_ROOMS', 20),
    messagesPerRoom: positiveInt('BENCH_MESSAGES_PER_ROOM', 200),
    runs: positiveInt('BENCH_RUNS', 10),
    concurrency: positiveInt('BENCH_CONCURRENCY', 8),
    transport: transport as Transport,
    profile: process.env.BENCH_PROFILE === '1',
  };
}
