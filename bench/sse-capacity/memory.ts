import { setTimeout as sleep } from 'node:timers/promises';
import { getHeapSpaceStatistics } from 'node:v8';

/** Bytes, from `process.memoryUsage()` after full garbage collections. */
export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  /**
   * Of `heapUsed`, compiled code and its metadata (V8's code and trusted spaces): the JIT's work,
   * which grows as functions get hot while users connect, whatever their number.
   */
  code: number;
  /** C++ objects bound to JS (sockets, buffers), which the heap does not count. */
  external: number;
}

/**
 * This process's memory once garbage is gone: a few full collections (the children run with
 * --expose-gc) with pauses between, so finalizers and freed buffers settle before the reading.
 */
export async function settledMemory(): Promise<MemorySnapshot> {
  const { gc } = globalThis as { gc?: () => void };
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(200);
  }
  const { rss, heapUsed, external } = process.memoryUsage();
  const code = getHeapSpaceStatistics()
    .filter((space) => /code|trusted/.test(space.space_name))
    .reduce((sum, space) => sum + space.space_used_size, 0);
  return { rss, heapUsed, code, external };
}
