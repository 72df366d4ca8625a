import { randomUUID } from 'node:crypto';
import type { E2eBed } from '@openmeet/e2e/support';
import { CHAT_SDK_SYNC_FILTER } from '../shared/chatSdkSyncFilter.js';
import { MESSAGE_PATTERN, messageText } from './arrivals.js';
import type { LatencyConfig } from './config.js';

/**
 * The raw pair again, but inside a page of the example app's origin: the same two bare clients
 * (B long-polls `/sync`, A `PUT`s one message at a time), now paying what any browser client of a
 * homeserver on another origin pays, a CORS preflight per new URL. The gap between this row and
 * the Node raw pair is the browser's share; the gap between this row and the SDK rows is ours.
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
    // tsx compiles the function below with esbuild's keepNames, whose `__name(…)` exists in Node only.
    await page.evaluate('self.__name = (target) => target');
    const run = randomUUID().replaceAll('-', '');
    return await page.evaluate(
      async (input) => {
        const now = () => performance.timeOrigin + performance.now();
        const base = `${input.homeserverUrl}/_matrix/client/v3`;
        const pattern = new RegExp(input.pattern);
        const stop = new AbortController();
        type Body = {
          next_batch: string;
          rooms?: {
            join?: Record<string, { timeline?: { events?: Array<{ content?: { body?: unknown } }> } }>;
          };
        };
        const sync = async (since: string | undefined, timeout: number): Promise<Body> => {
          const query = new URLSearchParams({ timeout: String(timeout), filter: input.filter });
          if (since) query.set('since', since);
          const response = await fetch(`${base}/sync?${query}`, {
            headers: { authorization: `Bearer ${input.tokens.receiver}` },
            signal: stop.signal,
          });
          if (!response.ok) throw new Error(`sync: ${response.status}`);
          return (await response.json()) as Body;
        };
        const arrived = new Map<number, number>();
        const waiters = new Map<number, () => void>();
        let since = (await sync(undefined, 0)).next_batch;
        const receiver = (async () => {
          while (!stop.signal.aborted) {
            const body = await sync(since, 30_000);
            const at = now();
            for (const event of body.rooms?.join?.[input.roomId]?.timeline?.events ?? []) {
              const text = event.content?.body;
              const match = typeof text === 'string' ? pattern.exec(text) : null;
              if (match?.[1] !== input.run) continue;
              const seq = Number(match[2]);
              if (!arrived.has(seq)) arrived.set(seq, at);
              waiters.get(seq)?.();
            }
            since = body.next_batch;
          }
        })().catch(() => {});
        const latencies: number[] = [];
        try {
          for (let seq = 0; seq < input.warmup + input.messages; seq++) {
            await new Promise((resolve) => setTimeout(resolve, input.gapMs));
            const arrival = new Promise<void>((resolve, reject) => {
              waiters.set(seq, resolve);
              setTimeout(() => reject(new Error(`message ${seq} did not arrive within 15 s`)), 15_000);
            });
            const sentAt = now();
            const response = await fetch(
              `${base}/rooms/${encodeURIComponent(input.roomId)}/send/m.room.message/${input.run}-${seq}`,
              {
                method: 'PUT',
                headers: {
                  authorization: `Bearer ${input.tokens.sender}`,
                  'content-type': 'application/json',
                },
                body: JSON.stringify({ msgtype: 'm.text', body: input.texts[seq] }),
              },
            );
            if (!response.ok) throw new Error(`send ${seq}: ${response.status}`);
            await response.arrayBuffer();
            await arrival;
            if (seq >= input.warmup) latencies.push((arrived.get(seq) as number) - sentAt);
          }
        } finally {
          stop.abort();
          await receiver;
        }
        return latencies;
      },
      {
        homeserverUrl,
        roomId,
        tokens,
        run,
        filter: CHAT_SDK_SYNC_FILTER,
        pattern: MESSAGE_PATTERN,
        texts: Array.from({ length: config.warmup + config.messages }, (_, seq) => messageText(run, seq)),
        warmup: config.warmup,
        messages: config.messages,
        gapMs: config.gapMs,
      },
    );
  } finally {
    await context.close();
  }
}
