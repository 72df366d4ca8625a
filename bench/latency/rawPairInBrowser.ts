import type { E2eBed } from '@openmeet/e2e/support';
import type { LatencyConfig } from './config.js';
import { rawPairInput } from './rawPair.js';
import { rawPairLoop } from './rawPairLoop.js';

/**
 * The raw pair again (the same `rawPairLoop`), but inside a page of the example app's origin: the
 * same two bare clients, now paying what any browser client of a homeserver on another origin
 * pays, a CORS preflight per new URL. The gap between this row and the Node raw pair is the
 * browser's share; the gap between this row and the SDK rows is ours.
 */
export async function measureRawPairInBrowser(
  bed: E2eBed,
  homeserverUrl: string,
  roomId: string,
  tokens: { sender: string; receiver: string },
  config: LatencyConfig,
): Promise<number[]> {
  const context = await bed.browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${bed.app.url}/`);
    // tsx compiles the loop with esbuild's keepNames, whose `__name(…)` exists in Node only.
    await page.evaluate('self.__name = (target) => target');
    const input = rawPairInput(homeserverUrl, roomId, tokens, config, false);
    return (await page.evaluate(rawPairLoop, input)).latencies;
  } finally {
    await context.close();
  }
}
