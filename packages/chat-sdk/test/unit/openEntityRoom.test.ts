import { describe, expect, it, vi } from 'vitest';
import { createChatClient } from '../../src/client/createChatClient.js';

const BROKER = 'https://chat.example.org';

/** The broker answers a room lookup at once and keeps the session request waiting (still signing in). */
function signingInClient() {
  const urls: string[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    urls.push(url);
    if (url.includes('/v1/rooms/lookup?')) {
      return Response.json({ roomId: '!room:example.org', alias: '#hikers:example.org' });
    }
    return new Promise<Response>(() => {});
  });
  const client = createChatClient({
    brokerUrl: BROKER,
    getHostToken: () => 'host-jwt',
    fetch: fetch as unknown as typeof globalThis.fetch,
    storage: 'memory',
    deviceKey: 'overlap-test-device',
  });
  return { client, urls };
}

describe('openEntityRoom', () => {
  it("looks an entity's room up while the client is still signing in", async () => {
    const { client, urls } = signingInClient();
    client.openEntityRoom({ kind: 'group', slug: 'hikers' }).catch(() => {});
    await vi.waitFor(() => expect(urls).toContain(`${BROKER}/v1/rooms/lookup?kind=group&slug=hikers`));
    expect(urls).toContain(`${BROKER}/v1/session`);
    await client.close();
  });
});
