import type { Testbed } from '@openmeet/testbed';
import { CHAT_SDK_SYNC_FILTER } from '../shared/chatSdkSyncFilter.js';

export interface RawSync {
  /** Request start → the parsed JSON, in ms. */
  ms: number;
  bytes: number;
  rooms: number;
}

/**
 * The baseline: one initial `/sync` (no `since`, `timeout=0`) for the user, with the filter the
 * SDK sends, over plain `fetch`: what any client must wait for before it can show a room.
 */
export async function rawInitialSync(testbed: Testbed, token: string): Promise<RawSync> {
  const query = new URLSearchParams({ timeout: '0', filter: CHAT_SDK_SYNC_FILTER });
  const started = performance.now();
  const response = await fetch(`${testbed.homeserverUrl}/_matrix/client/v3/sync?${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`initial sync: ${response.status} ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as { rooms?: { join?: Record<string, unknown> } };
  return {
    ms: performance.now() - started,
    bytes: Buffer.byteLength(text),
    rooms: Object.keys(body.rooms?.join ?? {}).length,
  };
}
