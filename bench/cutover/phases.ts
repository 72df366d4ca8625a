/** Seconds per cutover phase; `total` is wall-clock from start to end, startup included. */
export interface PhaseTimes {
  /** Before the first phase (the CLI: Node start, reading the export, loading the config). */
  startup: number;
  users: number;
  rooms: number;
  memberships: number;
  total: number;
}

/** Runs `work` over `items` with at most `concurrency` in flight (like the broker's mapConcurrent). */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
