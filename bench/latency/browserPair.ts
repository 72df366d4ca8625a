import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatPage, E2eBed } from '@openmeet/e2e/support';
import { Arrivals, MESSAGE_PATTERN, messageText } from './arrivals.js';
import { type Breakdown, breakdown, matchRequests } from './breakdown.js';
import type { LatencyConfig } from './config.js';
import { pageClockOffset } from './pageClock.js';
import {
  fetched,
  observeArrivals,
  type RequestSpan,
  requestsTo,
  stampSends,
  storageWrites,
} from './pageScripts.js';

export type Mode = 'direct' | 'sse';

export interface BrowserPairResult {
  latencies: number[];
  /** Where each message's time went, from the pages' resource timing. */
  steps: Breakdown;
  /** Receiver's clock minus sender's, as measured (already taken out of `latencies`). */
  skewMs: number;
  /** The bound on that measurement. */
  skewErrorMs: number;
}

/** A request only the chosen transport makes, to check each page really uses it. */
const TRANSPORT_MARK: Record<Mode, string> = {
  direct: '/_matrix/client/v3/sync',
  sse: '/v1/sse/ticket',
};

/**
 * Alice's tab sends, Bob's renders, both in the example app on the group page with
 * `?transport=<mode>`. Each message is typed into the composer (the typing notice goes out, as
 * when a person types), then after `gapMs` Enter is pressed: the send time is noted as the key goes
 * down, the arrival time when Bob's timeline gets the row. One message at a time.
 */
export async function measureBrowserPair(
  bed: E2eBed,
  mode: Mode,
  config: LatencyConfig,
): Promise<BrowserPairResult> {
  const query = { transport: mode };
  const pages: ChatPage[] = [];
  try {
    const open = async (user: string) => {
      const page = await bed.signIn(user, { query });
      pages.push(page);
      return page;
    };
    const [sender, receiver] = await Promise.all([open('alice'), open('bob')]);
    await Promise.all([sender.composer.waitFor(), receiver.composer.waitFor()]);
    if (config.quiet) {
      for (const { page } of [sender, receiver]) {
        await page.route(/\/rooms\/[^/]+\/(typing|read_markers|receipt)(\/|\?|$)/, (route) => route.abort());
      }
    }
    for (const page of [sender, receiver]) {
      if (!(await page.page.evaluate(fetched, TRANSPORT_MARK[mode]))) {
        throw new Error(`${page.user}'s page is not on the ${mode} transport`);
      }
    }

    const arrivals = new Arrivals(randomUUID().replaceAll('-', ''));
    const script = { pattern: MESSAGE_PATTERN, run: arrivals.run };
    await receiver.page.exposeFunction('benchArrived', (seq: number, at: number) =>
      arrivals.arrived(seq, at),
    );
    await receiver.page.evaluate(observeArrivals, script);
    await sender.page.evaluate(stampSends, script);

    const total = config.warmup + config.messages;
    for (let seq = 0; seq < total; seq++) {
      await sender.composer.fill(messageText(arrivals.run, seq));
      await sleep(config.gapMs);
      await sender.composer.press('Enter');
      await arrivals.wait(seq);
    }

    const [senderClock, receiverClock] = [
      await pageClockOffset(sender.page),
      await pageClockOffset(receiver.page),
    ];
    const skewMs = receiverClock.offsetMs - senderClock.offsetMs;
    const sent = await sender.page.evaluate(
      () => (window as { benchSent?: Record<string, number> }).benchSent,
    );
    // On the receiver's clock, so each latency is a difference of two times on one clock.
    for (const [seq, at] of Object.entries(sent ?? {})) arrivals.sent(Number(seq), at + skewMs);
    const shift = (span: RequestSpan) => ({ start: span.start + skewMs, end: span.end + skewMs });
    const puts = (await sender.page.evaluate(requestsTo, '/send/m.room.message/')).map(shift);
    const syncs =
      mode === 'direct' ? await receiver.page.evaluate(requestsTo, '/_matrix/client/v3/sync?') : [];
    const writes = (await sender.page.evaluate(storageWrites)).map(shift);
    const times = arrivals.times(config.warmup, total);
    return {
      latencies: times.map(({ sent, arrived }) => arrived - sent),
      steps: breakdown(
        matchRequests(
          times.map(({ sent, arrived }) => ({ enter: sent, rendered: arrived })),
          puts,
          syncs,
          writes,
        ),
      ),
      skewMs,
      skewErrorMs: senderClock.errorMs + receiverClock.errorMs,
    };
  } finally {
    await Promise.all(
      pages.map((page) =>
        page.page
          .context()
          .close()
          .catch(() => {}),
      ),
    );
  }
}
