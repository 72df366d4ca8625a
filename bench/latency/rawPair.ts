import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHAT_SDK_SYNC_FILTER } from '../shared/chatSdkSyncFilter.js';
import { Arrivals, MESSAGE_PATTERN, messageText } from './arrivals.js';
import type { Breakdown } from './breakdown.js';
import type { LatencyConfig } from './config.js';

/** Epoch milliseconds from the monotonic clock, the way the pages stamp their times. */
const preciseNow = () => performance.timeOrigin + performance.now();

interface SyncBody {
  next_batch: string;
  rooms?: { join?: Record<string, { timeline?: { events?: Array<{ content?: { body?: unknown } }> } }> };
}

/**
 * The baseline: two bare Matrix clients on plain `fetch`. B long-polls `/sync` with chat-sdk's
 * filter and notes when each bench message is in a parsed response; A `PUT`s the messages one at a
 * time, `gapMs` apart, each after the previous one arrived. With `senderSyncs`, A long-polls too
 * (as every chat client does), so Synapse answers two syncs per message, as it does for the pages.
 */
export async function measureRawPair(
  homeserverUrl: string,
  roomId: string,
  tokens: { sender: string; receiver: string },
  config: LatencyConfig,
  options: { senderSyncs?: boolean } = {},
): Promise<{ latencies: number[]; steps: Breakdown }> {
  const base = `${homeserverUrl}/_matrix/client/v3`;
  const arrivals = new Arrivals(randomUUID().replaceAll('-', ''));
  const pattern = new RegExp(MESSAGE_PATTERN);
  const stop = new AbortController();
  const puts: number[] = [];

  const sync = async (
    since: string | undefined,
    timeout: number,
    token = tokens.receiver,
  ): Promise<SyncBody> => {
    const query = new URLSearchParams({ timeout: String(timeout), filter: CHAT_SDK_SYNC_FILTER });
    if (since) query.set('since', since);
    const response = await fetch(`${base}/sync?${query}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: stop.signal,
    });
    if (!response.ok) throw new Error(`sync: ${response.status} ${await response.text()}`);
    return (await response.json()) as SyncBody;
  };

  let since = (await sync(undefined, 0)).next_batch;
  const receiver = (async () => {
    while (!stop.signal.aborted) {
      const body = await sync(since, 30_000);
      const at = preciseNow();
      for (const event of body.rooms?.join?.[roomId]?.timeline?.events ?? []) {
        const match = typeof event.content?.body === 'string' ? pattern.exec(event.content.body) : null;
        if (match?.[1] === arrivals.run) arrivals.arrived(Number(match[2]), at);
      }
      since = body.next_batch;
    }
  })().catch((error: unknown) => {
    if (!stop.signal.aborted) arrivals.fail(error instanceof Error ? error : new Error(String(error)));
  });

  const senderLoop = options.senderSyncs
    ? (async () => {
        let position = (await sync(undefined, 0, tokens.sender)).next_batch;
        while (!stop.signal.aborted) position = (await sync(position, 30_000, tokens.sender)).next_batch;
      })().catch(() => undefined)
    : Promise.resolve();

  try {
    for (let seq = 0; seq < config.warmup + config.messages; seq++) {
      await sleep(config.gapMs);
      const sentAt = preciseNow();
      arrivals.sent(seq, sentAt);
      const response = await fetch(
        `${base}/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${arrivals.run}-${seq}`,
        {
          method: 'PUT',
          headers: { authorization: `Bearer ${tokens.sender}`, 'content-type': 'application/json' },
          body: JSON.stringify({ msgtype: 'm.text', body: messageText(arrivals.run, seq) }),
        },
      );
      if (!response.ok) throw new Error(`send ${seq}: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      if (seq >= config.warmup) puts.push(preciseNow() - sentAt);
      await arrivals.wait(seq);
    }
  } finally {
    stop.abort();
    await Promise.all([receiver, senderLoop]);
  }
  const latencies = arrivals.latencies(config.warmup, config.warmup + config.messages);
  return {
    latencies,
    steps: {
      'PUT (no preflight: not a browser)': puts,
      "PUT starts → receiver's /sync answered, parsed": latencies,
    },
  };
}
