import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatClient } from '../../src/client/ChatClient.js';
import { createChatClient } from '../../src/client/createChatClient.js';
import { SendWarmer } from '../../src/client/SendWarmer.js';
import { HomeserverApi } from '../../src/matrix/HomeserverApi.js';
import { BROKER, fakeServers, HOMESERVER, ROOM } from '../support/fakeServers.js';

describe('SendWarmer', () => {
  it('warms each room once per freshness window, keeping its transaction id until it is taken', () => {
    let now = 0;
    const warmed: Array<[string, string]> = [];
    const warmer = new SendWarmer({ warm: (roomId, txnId) => warmed.push([roomId, txnId]), now: () => now });
    warmer.warm(ROOM);
    warmer.warm(ROOM);
    now = 3999;
    warmer.warm(ROOM);
    expect(warmed).toHaveLength(1);
    now = 4000;
    warmer.warm(ROOM);
    // The same URL again: the earlier preflight may have expired, the transaction id has not been used.
    expect(warmed).toHaveLength(2);
    expect(warmed[1]).toEqual(warmed[0]);
    const [, txnId] = warmed[0] as [string, string];
    expect(txnId).toMatch(/^om\.[0-9a-f-]{36}$/);

    expect(warmer.take(ROOM)).toBe(txnId);
    expect(warmer.take(ROOM)).toBeUndefined();
    warmer.warm(ROOM);
    expect(warmed[2]?.[1]).not.toBe(txnId);
  });
});

describe('warming up a message send in a browser', () => {
  let client: ChatClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
    vi.unstubAllGlobals();
  });

  it('preflights the URL the next message is then sent to, while the user types', async () => {
    vi.stubGlobal('location', { origin: 'https://app.example.org' });
    const servers = fakeServers();
    client = createChatClient({
      brokerUrl: BROKER,
      getHostToken: () => 'host-jwt',
      fetch: servers.fetch,
      storage: 'memory',
      deviceKey: 'warm-test-device',
      transport: 'direct',
    });
    await client.connect();
    client.setTyping(ROOM, true);
    await expect.poll(() => servers.log.some((line) => line.startsWith('OPTIONS '))).toBe(true);
    const { txnId } = await client.sendMessage(ROOM, 'hello');
    await expect
      .poll(() => servers.log.some((line) => line.startsWith('PUT ') && line.includes('/send/')))
      .toBe(true);

    const options = servers.log.filter((line) => line.startsWith('OPTIONS '));
    const put = servers.log.find((line) => line.startsWith('PUT ') && line.includes('/send/'));
    expect(options).toEqual([`OPTIONS ${put?.slice('PUT '.length)}`]);
    expect(put).toContain(`/send/m.room.message/${encodeURIComponent(txnId)}`);
  });

  it('does not warm anything for a same-origin homeserver, or outside a browser', async () => {
    const calls: string[] = [];
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return Response.json({});
    }) as typeof globalThis.fetch;
    const tokens = { accessToken: () => 'token', refresh: async () => 'token' };
    const api = new HomeserverApi({ baseUrl: HOMESERVER, tokens, fetch });
    await api.event(ROOM, '$loads-the-http-layer');
    api.warmSend(ROOM, 'm.room.message', 'om.1');
    vi.stubGlobal('location', { origin: HOMESERVER });
    api.warmSend(ROOM, 'm.room.message', 'om.2');
    vi.stubGlobal('location', { origin: 'https://app.example.org' });
    api.warmSend(ROOM, 'm.room.message', 'om.3');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls.filter((call) => call.startsWith('OPTIONS '))).toEqual([
      `OPTIONS ${HOMESERVER}/_matrix/client/v3/rooms/${encodeURIComponent(ROOM)}/send/m.room.message/om.3`,
    ]);
  });
});
