import { randomUUID } from 'node:crypto';
import { CHAT_SDK_SYNC_FILTER } from '../shared/chatSdkSyncFilter.js';
import { MESSAGE_PATTERN, messageText } from './arrivals.js';
import type { Breakdown } from './breakdown.js';
import type { LatencyConfig } from './config.js';
import { type RawPairInput, rawPairLoop } from './rawPairLoop.js';

/** What the raw pair needs besides where it runs: the same for Node and the page. */
export function rawPairInput(
  homeserverUrl: string,
  roomId: string,
  tokens: { sender: string; receiver: string },
  config: LatencyConfig,
  senderSyncs: boolean,
): RawPairInput {
  const run = randomUUID().replaceAll('-', '');
  return {
    homeserverUrl,
    roomId,
    tokens,
    run,
    texts: Array.from({ length: config.warmup + config.messages }, (_, seq) => messageText(run, seq)),
    pattern: MESSAGE_PATTERN,
    filter: CHAT_SDK_SYNC_FILTER,
    warmup: config.warmup,
    messages: config.messages,
    gapMs: config.gapMs,
    senderSyncs,
  };
}

/**
 * The baseline: two bare Matrix clients on plain `fetch` in Node (`rawPairLoop`), B long-polling
 * `/sync` with chat-sdk's filter. With `senderSyncs`, A long-polls too (as every chat client does),
 * so Synapse answers two syncs per message, as it does for the pages.
 */
export async function measureRawPair(
  homeserverUrl: string,
  roomId: string,
  tokens: { sender: string; receiver: string },
  config: LatencyConfig,
  options: { senderSyncs?: boolean } = {},
): Promise<{ latencies: number[]; steps: Breakdown }> {
  const { latencies, puts } = await rawPairLoop(
    rawPairInput(homeserverUrl, roomId, tokens, config, options.senderSyncs ?? false),
  );
  return {
    latencies,
    steps: {
      'PUT (no preflight: not a browser)': puts,
      "PUT starts → receiver's /sync answered, parsed": latencies,
    },
  };
}
