import { setTimeout as sleep } from 'node:timers/promises';

/** Bytes, from `process.memoryUsage()` after full garbage collections. */
export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
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
  return { rss, heapUsed, external };
}
