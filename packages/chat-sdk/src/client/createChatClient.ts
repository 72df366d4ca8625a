import { ChatSdkError } from '../ChatSdkError.js';
import { IndexedDbOutboxStorage } from '../outbox/IndexedDbOutboxStorage.js';
import { MemoryOutboxStorage } from '../outbox/MemoryOutboxStorage.js';
import type { OutboxStorage } from '../outbox/OutboxStorage.js';
import type { ChatCache } from '../snapshot/ChatCache.js';
import type { NetworkSignals } from '../sync/networkSignals.js';
import { ChatClient } from './ChatClient.js';

export interface ChatClientOptions {
  /** Where the broker runs, e.g. `https://chat.example.org`. */
  brokerUrl: string;
  /**
   * The host session's JWT, read before each broker call (return the current one; refresh it in
   * your app as usual). Omit it when the broker reads your session cookie instead.
   */
  getHostToken?: () => string | undefined | Promise<string | undefined>;
  /**
   * Where queued messages wait: `indexeddb` (default in browsers: survives reloads), `memory`
   * (default where there is no IndexedDB, e.g. SSR), or your own `OutboxStorage`.
   */
  storage?: 'indexeddb' | 'memory' | OutboxStorage;
  /**
   * Keep the last session's rooms and recent messages for the next page open, e.g.
   * `indexedDbCache()`: a returning user then sees them at once while the first sync runs. Off by
   * default (see `indexedDbCache` for why).
   */
  cache?: ChatCache;
  /** Show joins and leaves in timelines. Default false: membership noise hidden. */
  showMembershipEvents?: boolean;
  /** Messages a room shows before it first renders (fetched as needed). Default 30. */
  initialHistory?: number;
  /** This browser's device key (8–64 of `[A-Za-z0-9_-]`). Default: one kept in localStorage. */
  deviceKey?: string;
  /** For tests and unusual runtimes. */
  fetch?: typeof globalThis.fetch;
  network?: NetworkSignals;
  /** How long `openRoom` waits for a room to arrive through sync. Default 20 s. */
  roomWaitMs?: number;
  /**
   * `auto` (default): sync with the homeserver directly, and through the broker's SSE stream
   * when this network blocks it (switching back when it answers again); `direct` or `sse` to force.
   */
  transport?: 'auto' | 'direct' | 'sse';
  /** How often SSE mode checks whether the homeserver is reachable again. Default 60 s. */
  probeIntervalMs?: number;
}

/**
 * Creates a chat client. Nothing happens until `connect()`: creating one on a server (SSR) touches
 * no browser API, and matrix-js-sdk is only downloaded when the client connects.
 *
 * @example
 * const chat = createChatClient({ brokerUrl: 'https://chat.example.org', getHostToken: () => session.jwt });
 * await chat.connect();
 * const roomId = await chat.openEntityRoom({ kind: 'group', slug: 'hikers' });
 * await chat.sendMessage(roomId, 'Hello **world**');
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  const fail = (message: string) => new ChatSdkError('CHAT_BAD_INPUT', message);
  if (typeof options?.brokerUrl !== 'string') throw fail('brokerUrl is required');
  let brokerUrl: URL;
  try {
    brokerUrl = new URL(options.brokerUrl);
  } catch {
    throw fail(`brokerUrl is not a URL: ${options.brokerUrl}`);
  }
  if (brokerUrl.protocol !== 'https:' && brokerUrl.protocol !== 'http:')
    throw fail('brokerUrl must be http(s)');
  if (options.deviceKey !== undefined && !/^[A-Za-z0-9_-]{8,64}$/.test(options.deviceKey)) {
    throw fail('deviceKey must be 8 to 64 of [A-Za-z0-9_-]');
  }
  if (options.transport !== undefined && !['auto', 'direct', 'sse'].includes(options.transport)) {
    throw fail('transport must be auto, direct or sse');
  }
  const initialHistory = options.initialHistory ?? 30;
  if (!Number.isInteger(initialHistory) || initialHistory < 1 || initialHistory > 500) {
    throw fail('initialHistory must be an integer from 1 to 500');
  }
  return new ChatClient({
    brokerUrl: brokerUrl.href,
    getHostToken: options.getHostToken,
    deviceKey: options.deviceKey,
    outboxStorage: storageFor(options.storage),
    cache: options.cache,
    fetch: options.fetch,
    showMembershipEvents: options.showMembershipEvents ?? false,
    initialHistory,
    network: options.network,
    roomWaitMs: options.roomWaitMs ?? 20_000,
    transport: options.transport ?? 'auto',
    probeIntervalMs: options.probeIntervalMs ?? 60_000,
  });
}

function storageFor(choice: ChatClientOptions['storage']): OutboxStorage {
  if (typeof choice === 'object') return choice;
  const hasIndexedDb = typeof globalThis.indexedDB !== 'undefined';
  if (choice === 'indexeddb' && !hasIndexedDb) {
    throw new ChatSdkError('CHAT_BAD_INPUT', 'IndexedDB is not available here; use storage: "memory"');
  }
  return choice === 'memory' || !hasIndexedDb ? new MemoryOutboxStorage() : new IndexedDbOutboxStorage();
}
