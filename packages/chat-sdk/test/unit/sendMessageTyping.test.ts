import { afterEach, describe, expect, it } from 'vitest';
import type { ChatClient } from '../../src/client/ChatClient.js';
import { createChatClient } from '../../src/client/createChatClient.js';

const BROKER = 'https://chat.example.org';
const HOMESERVER = 'https://matrix.example.org';
const ROOM = '!room:example.org';
const USER = '@alice:example.org';

/**
 * A broker and a homeserver in one fake fetch: a session, an initial sync with one joined room,
 * long-polls that wait until aborted, typing notices answered at once, and message sends held
 * until the test lets them through. Every homeserver request is logged in order.
 */
function fakeServers() {
  const log: string[] = [];
  const heldSends: Array<() => void> = [];
  const json = (body: unknown) => Response.json(body);
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    if (url.origin === BROKER) {
      return json({
        userId: USER,
        deviceId: 'DEVICE',
        accessToken: 'token',
        expiresAt: Date.now() + 3_600_000,
        homeserverUrl: HOMESERVER,
      });
    }
    const path = decodeURIComponent(url.pathname);
    if (path.endsWith('/sync')) {
      if (!url.searchParams.has('since')) {
        return json({
          next_batch: 's1',
          rooms: {
            join: {
              [ROOM]: {
                timeline: { events: [], limited: false },
                state: {
                  events: [
                    {
                      type: 'm.room.member',
                      state_key: USER,
                      sender: USER,
                      event_id: '$join',
                      origin_server_ts: 1,
                      content: { membership: 'join' },
                    },
                  ],
                },
              },
            },
          },
        });
      }
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    }
    if (path.includes('/typing/')) {
      log.push(`typing ${(JSON.parse(String(init?.body)) as { typing: boolean }).typing}`);
      return json({});
    }
    if (path.includes('/send/')) {
      log.push('send');
      await new Promise<void>((resolve) => heldSends.push(resolve));
      log.push('send answered');
      return json({ event_id: '$message' });
    }
    log.push(`${method} ${path}`);
    return json({});
  };
  return { fetch, log, heldSends };
}

let client: ChatClient | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
});

describe('sendMessage and the typing notice', () => {
  it('says "stopped typing" only once the message is out, not beside it', async () => {
    const servers = fakeServers();
    client = createChatClient({
      brokerUrl: BROKER,
      getHostToken: () => 'host-jwt',
      fetch: servers.fetch as typeof globalThis.fetch,
      storage: 'memory',
      deviceKey: 'typing-test-device',
      transport: 'direct',
    });
    await client.connect();
    client.setTyping(ROOM, true);
    // What the composer does on Enter: stop typing, then send.
    client.setTyping(ROOM, false);
    await client.sendMessage(ROOM, 'hello');
    await expect.poll(() => servers.log).toContain('send');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(servers.log).toEqual(['typing true', 'send']);

    for (const release of servers.heldSends) release();
    await expect.poll(() => servers.log).toContain('typing false');
    expect(servers.log).toEqual(['typing true', 'send', 'send answered', 'typing false']);
  });
});
