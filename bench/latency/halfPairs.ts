import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatPage, E2eBed } from '@openmeet/e2e/support';
import { CHAT_SDK_SYNC_FILTER } from '../shared/chatSdkSyncFilter.js';
import { Arrivals, MESSAGE_PATTERN, messageText } from './arrivals.js';
import type { LatencyConfig } from './config.js';
import { pageClockOffset } from './pageClock.js';
import { observeArrivals, stampSends } from './pageScripts.js';

/** Where a half pair runs: the room, Synapse through the browsers' proxy, the raw side's token. */
export interface HalfPairTarget {
  homeserverUrl: string;
  roomId: string;
  /** The raw side's access token: alice's when it sends, bob's when it receives. */
  token: string;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * Alice's page (direct transport) sends as in the browser rows; bob is a raw client in Node, long-
 * polling `/sync` with chat-sdk's filter. With `rawToPage`, the two halves of the browser rows'
 * gap: what the sending page adds, and what the receiving one adds.
 */
export async function pageToRaw(
  bed: E2eBed,
  target: HalfPairTarget,
  config: LatencyConfig,
): Promise<number[]> {
  const arrivals = new Arrivals(randomUUID().replaceAll('-', ''));
  const page = await openPage(bed, 'alice');
  const stop = new AbortController();
  try {
    await page.page.evaluate(stampSends, { pattern: MESSAGE_PATTERN, run: arrivals.run });
    const pattern = new RegExp(MESSAGE_PATTERN);
    let failure: unknown;
    let since = (await rawSync(target, undefined, 0, stop.signal)).next_batch;
    const receiver = (async () => {
      while (!stop.signal.aborted) {
        const body = await rawSync(target, since, 30_000, stop.signal);
        const at = now();
        for (const event of body.rooms?.join?.[target.roomId]?.timeline?.events ?? []) {
          const match = pattern.exec(String(event.content?.body ?? ''));
          if (match?.[1] === arrivals.run) arrivals.arrived(Number(match[2]), at);
        }
        since = body.next_batch;
      }
    })().catch((error: unknown) => {
      // Surfaced before the next message rather than as a message that never arrived.
      if (!stop.signal.aborted) failure = error;
    });
    for (let seq = 0; seq < config.warmup + config.messages; seq++) {
      if (failure !== undefined) throw failure;
      await page.composer.fill(messageText(arrivals.run, seq));
      await sleep(config.gapMs);
      await page.composer.press('Enter');
      await arrivals.wait(seq);
    }
    // The page stamped Enter on its own clock: onto this process's, as the arrivals are.
    const { offsetMs } = await pageClockOffset(page.page);
    const sent = await page.page.evaluate(() => (window as { benchSent?: Record<string, number> }).benchSent);
    for (const [seq, at] of Object.entries(sent ?? {})) arrivals.sent(Number(seq), at - offsetMs);
    stop.abort();
    await receiver;
    return latencies(arrivals, config);
  } finally {
    stop.abort();
    await page.page
      .context()
      .close()
      .catch(() => {});
  }
}

/** The other half: alice is a raw client in Node (`PUT` as in the raw pair), bob's page renders. */
export async function rawToPage(
  bed: E2eBed,
  target: HalfPairTarget,
  config: LatencyConfig,
): Promise<number[]> {
  const arrivals = new Arrivals(randomUUID().replaceAll('-', ''));
  const page = await openPage(bed, 'bob');
  try {
    await page.page.exposeFunction('benchArrived', (seq: number, at: number) => arrivals.arrived(seq, at));
    await page.page.evaluate(observeArrivals, { pattern: MESSAGE_PATTERN, run: arrivals.run });
    const { offsetMs } = await pageClockOffset(page.page);
    const room = encodeURIComponent(target.roomId);
    for (let seq = 0; seq < config.warmup + config.messages; seq++) {
      await sleep(config.gapMs);
      // The page stamps arrivals on its clock: the send time goes onto it too.
      arrivals.sent(seq, now() + offsetMs);
      const response = await fetch(
        `${target.homeserverUrl}/_matrix/client/v3/rooms/${room}/send/m.room.message/${arrivals.run}-${seq}`,
        {
          method: 'PUT',
          headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ msgtype: 'm.text', body: messageText(arrivals.run, seq) }),
        },
      );
      if (!response.ok) throw new Error(`send ${seq}: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      await arrivals.wait(seq);
    }
    return latencies(arrivals, config);
  } finally {
    await page.page
      .context()
      .close()
      .catch(() => {});
  }
}

async function openPage(bed: E2eBed, user: string): Promise<ChatPage> {
  const page = await bed.signIn(user, { query: { transport: 'direct' } });
  await page.composer.waitFor();
  return page;
}

function latencies(arrivals: Arrivals, config: LatencyConfig): number[] {
  return arrivals
    .times(config.warmup, config.warmup + config.messages)
    .map(({ sent, arrived }) => arrived - sent);
}

interface RawSyncBody {
  next_batch: string;
  rooms?: { join?: Record<string, { timeline?: { events?: Array<{ content?: { body?: unknown } }> } }> };
}

async function rawSync(
  target: HalfPairTarget,
  since: string | undefined,
  timeout: number,
  signal: AbortSignal,
): Promise<RawSyncBody> {
  const query = new URLSearchParams({ timeout: String(timeout), filter: CHAT_SDK_SYNC_FILTER });
  if (since) query.set('since', since);
  const response = await fetch(`${target.homeserverUrl}/_matrix/client/v3/sync?${query}`, {
    headers: { authorization: `Bearer ${target.token}` },
    signal,
  });
  if (!response.ok) throw new Error(`sync: ${response.status} ${await response.text()}`);
  return (await response.json()) as RawSyncBody;
}
