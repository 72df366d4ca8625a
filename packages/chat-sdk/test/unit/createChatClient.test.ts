import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatClient } from '../../src/client/ChatClient.js';
import { type ChatClientOptions, createChatClient } from '../../src/client/createChatClient.js';
import { MemoryOutboxStorage } from '../../src/outbox/MemoryOutboxStorage.js';

const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock('matrix-js-sdk/lib/http-api/index.js', () => {
  loads.count++;
  return {};
});

const BROKER = 'https://chat.example.org';

function badInput(options: ChatClientOptions): unknown {
  try {
    createChatClient(options);
  } catch (error) {
    return error;
  }
  return undefined;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('createChatClient options', () => {
  it.each([
    ['a missing brokerUrl', { brokerUrl: undefined as unknown as string }],
    ['a brokerUrl that is not a URL', { brokerUrl: 'chat.example.org' }],
    ['a brokerUrl that is not http(s)', { brokerUrl: 'javascript:alert(1)' }],
    ['an ftp brokerUrl', { brokerUrl: 'ftp://chat.example.org' }],
    ['a short deviceKey', { brokerUrl: BROKER, deviceKey: 'abc1234' }],
    ['a long deviceKey', { brokerUrl: BROKER, deviceKey: 'a'.repeat(65) }],
    ['a deviceKey with other characters', { brokerUrl: BROKER, deviceKey: 'abcd efgh' }],
    ['initialHistory 0', { brokerUrl: BROKER, initialHistory: 0 }],
    ['initialHistory 501', { brokerUrl: BROKER, initialHistory: 501 }],
    ['a fractional initialHistory', { brokerUrl: BROKER, initialHistory: 2.5 }],
    ['a NaN initialHistory', { brokerUrl: BROKER, initialHistory: Number.NaN }],
  ])('refuses %s with CHAT_BAD_INPUT', (_label, options) => {
    expect(badInput(options)).toMatchObject({ name: 'ChatSdkError', code: 'CHAT_BAD_INPUT' });
  });

  it('refuses storage "indexeddb" where there is no IndexedDB', () => {
    expect(globalThis.indexedDB).toBeUndefined();
    expect(badInput({ brokerUrl: BROKER, storage: 'indexeddb' })).toMatchObject({ code: 'CHAT_BAD_INPUT' });
  });

  it('accepts the edges of every range and each storage choice', () => {
    expect(badInput({ brokerUrl: `${BROKER}/`, deviceKey: 'a_b-C123', initialHistory: 1 })).toBeUndefined();
    expect(
      badInput({ brokerUrl: 'http://localhost:8080', deviceKey: 'x'.repeat(64), initialHistory: 500 }),
    ).toBeUndefined();
    expect(badInput({ brokerUrl: BROKER, storage: 'memory' })).toBeUndefined();
    expect(badInput({ brokerUrl: BROKER, storage: new MemoryOutboxStorage() })).toBeUndefined();
    // Without IndexedDB the default falls back to memory rather than failing.
    expect(badInput({ brokerUrl: BROKER })).toBeUndefined();
  });

  it('takes storage "indexeddb" where IndexedDB exists, without opening a database yet', () => {
    const factory = new IDBFactory();
    const open = vi.spyOn(factory, 'open');
    vi.stubGlobal('indexedDB', factory);
    expect(badInput({ brokerUrl: BROKER, storage: 'indexeddb' })).toBeUndefined();
    expect(open).not.toHaveBeenCalled();
  });
});

describe('createChatClient on a server (SSR)', () => {
  const browserGlobals = [
    'window',
    'document',
    'localStorage',
    'sessionStorage',
    'navigator',
    'BroadcastChannel',
  ];

  /** Any read of a browser global fails the test. */
  function trapBrowserGlobals(): { touched: string[]; restore: () => void } {
    const touched: string[] = [];
    const saved = browserGlobals.map(
      (name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)] as const,
    );
    for (const name of browserGlobals) {
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get() {
          touched.push(name);
          throw new Error(`${name} read during createChatClient`);
        },
      });
    }
    return {
      touched,
      restore() {
        for (const [name, descriptor] of saved) {
          if (descriptor) Object.defineProperty(globalThis, name, descriptor);
          else delete (globalThis as Record<string, unknown>)[name];
        }
      },
    };
  }

  it('creates a client without fetching, connecting, loading matrix-js-sdk or touching browser globals', () => {
    const fetch = vi.fn<typeof globalThis.fetch>();
    const globalFetch = vi.fn<typeof globalThis.fetch>();
    vi.stubGlobal('fetch', globalFetch);
    const connect = vi.spyOn(ChatClient.prototype, 'connect');
    const trap = trapBrowserGlobals();
    let client: ChatClient;
    try {
      client = createChatClient({ brokerUrl: BROKER, getHostToken: () => 'jwt', fetch });
    } finally {
      trap.restore();
    }

    expect(trap.touched).toEqual([]);
    expect(fetch).not.toHaveBeenCalled();
    expect(globalFetch).not.toHaveBeenCalled();
    expect(connect).not.toHaveBeenCalled();
    expect(loads.count).toBe(0);
    expect(client.store.getState()).toMatchObject({
      connection: { status: 'idle', queued: 0 },
      userId: undefined,
      rooms: {},
    });
  });
});
