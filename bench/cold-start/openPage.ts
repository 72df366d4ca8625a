import type { Page } from 'playwright-core';
import { loadWaterfall, type Span, watchFirstMessage } from './pageScripts.js';

const RENDER_TIMEOUT_MS = 60_000;

export interface PageOpen {
  /** Navigation start → the opened room's first message in the DOM, in ms. */
  renderedMs: number;
  spans: Span[];
}

/**
 * Prepares a signed-in page for measured reloads: every new document reports its first rendered
 * message (`watchFirstMessage`, an init script) to the bench.
 */
export async function instrument(page: Page): Promise<{ reload(): Promise<PageOpen> }> {
  let onRendered: ((ms: number) => void) | undefined;
  await page.exposeFunction('benchRendered', (ms: number) => onRendered?.(ms));
  await page.addInitScript(watchFirstMessage);
  return {
    async reload() {
      const rendered = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no message rendered within ${RENDER_TIMEOUT_MS} ms of a reload`)),
          RENDER_TIMEOUT_MS,
        );
        onRendered = (ms) => {
          clearTimeout(timer);
          resolve(ms);
        };
      });
      await page.reload({ waitUntil: 'commit' });
      const renderedMs = await rendered;
      onRendered = undefined;
      return { renderedMs, spans: await page.evaluate(loadWaterfall) };
    },
  };
}
