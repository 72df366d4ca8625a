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

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, not ${raw}`);
  return value;
}

export function readBenchConfig(): BenchConfig {
  return {
    durationSec: positiveInt('BENCH_DURATION', 10),
    warmupSec: positiveInt('BENCH_WARMUP', 2),
    connections: positiveInt('BENCH_CONNECTIONS', 10),
    mintConnections: positiveInt('BENCH_MINT_CONNECTIONS', 4),
  };
}
