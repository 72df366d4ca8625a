import { positiveInt } from '../shared/positiveInt.js';

export interface BenchConfig {
  /** Seconds per measured run. */
  durationSec: number;
  /** Seconds of unmeasured load before each measured run (JIT, keep-alive pools, Synapse caches). */
  warmupSec: number;
  /** Connections for rows 1 and 2 (bare Fastify vs the cached path). */
  connections: number;
  /** Connections for rows 3 and 4 (raw Synapse login vs the fresh mint). */
  mintConnections: number;
}

export function readBenchConfig(): BenchConfig {
  return {
    durationSec: positiveInt('BENCH_DURATION', 10),
    warmupSec: positiveInt('BENCH_WARMUP', 2),
    connections: positiveInt('BENCH_CONNECTIONS', 10),
    mintConnections: positiveInt('BENCH_MINT_CONNECTIONS', 4),
  };
}
