import type { Page } from 'playwright-core';

/** Chromium's own counters over a stretch of time (DevTools `Performance.getMetrics`). */
export interface PageMetrics {
  /** Main-thread task time. */
  taskSeconds: number;
  layoutSeconds: number;
  /** JS heap in use at the end. */
  jsHeapBytes: number;
}

/** Starts Chromium's counters; the returned function reads how they moved since. */
export async function startPageMetrics(page: Page): Promise<() => Promise<PageMetrics>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return new Map(metrics.map(({ name, value }) => [name, value]));
  };
  const before = await read();
  return async () => {
    const after = await read();
    await cdp.detach();
    const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    return {
      taskSeconds: delta('TaskDuration'),
      layoutSeconds: delta('LayoutDuration'),
      jsHeapBytes: after.get('JSHeapUsedSize') ?? 0,
    };
  };
}
