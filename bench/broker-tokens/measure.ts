import { watchOtherCpu } from './cpu.js';
import { fire, type LoadResult, type LoadTarget } from './load.js';

export interface Measurement extends LoadResult {
  connections: number;
  warmupFailures: number;
  /** Cores busy with other processes during the measured run (not the warm-up). */
  otherCores: number;
}

export interface MeasureOptions {
  connections: number;
  durationSec: number;
  warmupSec: number;
  synapsePid: number;
}

/** A short unmeasured run (JIT, keep-alive pools, Synapse caches), then the measured one. */
export async function measure(target: LoadTarget, options: MeasureOptions): Promise<Measurement> {
  const warmup = await fire(target, options.connections, options.warmupSec);
  const cpu = watchOtherCpu(options.synapsePid);
  const result = await fire(target, options.connections, options.durationSec);
  return {
    ...result,
    connections: options.connections,
    warmupFailures: warmup.failures,
    otherCores: cpu.stop(),
  };
}
