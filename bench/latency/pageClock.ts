import type { Page } from 'playwright-core';
import { pageNow } from './pageScripts.js';

const preciseNow = () => performance.timeOrigin + performance.now();
const SAMPLES = 9;

/**
 * How far the page's clock (`performance.timeOrigin + performance.now()`) is ahead of this
 * process's, in ms: each renderer derives its time origin on its own, so two pages on one machine
 * can disagree by a little. The sample with the shortest round trip wins; its half round trip
 * bounds the error.
 */
export async function pageClockOffset(page: Page): Promise<{ offsetMs: number; errorMs: number }> {
  let best = { offsetMs: 0, errorMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < SAMPLES; i++) {
    const before = preciseNow();
    const at = await page.evaluate(pageNow);
    const after = preciseNow();
    const errorMs = (after - before) / 2;
    if (errorMs < best.errorMs) best = { offsetMs: at - (before + after) / 2, errorMs };
  }
  return best;
}
