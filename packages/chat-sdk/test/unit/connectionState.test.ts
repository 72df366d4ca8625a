import { afterEach, describe, expect, it } from 'vitest';
import type { ChatClient } from '../../src/client/ChatClient.js';
import { createChatClient } from '../../src/client/createChatClient.js';
import { BROKER, fakeServers } from '../support/fakeServers.js';

let client: ChatClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

describe('the connection state', () => {
  it('stays the same object while syncs keep saying "live", so nothing re-renders for it', async () => {
    const servers = fakeServers({ incremental: [[], [], []] });
    client = createChatClient({
      brokerUrl: BROKER,
      getHostToken: () => 'host-jwt',
      fetch: servers.fetch,
      storage: 'memory',
      deviceKey: 'connection-test-device',
      transport: 'direct',
    });
    const seen = new Set<object>();
    client.store.subscribe((state) => seen.add(state.connection));
    await client.connect();
    const live = client.store.getState().connection;
    expect(live.status).toBe('live');
    // The three incremental syncs each end in "live" again.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.store.getState().connection).toBe(live);
    // connecting → live; nothing after.
    expect([...seen].map((connection) => (connection as { status: string }).status)).toEqual([
      'connecting',
      'live',
    ]);
  });
});
