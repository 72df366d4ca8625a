import { afterEach, describe, expect, it } from 'vitest';
import type { ChatClient } from '../../src/client/ChatClient.js';
import { createChatClient } from '../../src/client/createChatClient.js';
import { BROKER, fakeServers, ROOM } from '../support/fakeServers.js';

let client: ChatClient | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
});

describe('sendMessage and the typing notice', () => {
  it('says "stopped typing" only once the message is out, not beside it', async () => {
    // Typing notices answered at once, sends held until the test lets them through; every
    // homeserver request noted in order.
    const log: string[] = [];
    const heldSends: Array<() => void> = [];
    const servers = fakeServers({
      answer: async ({ method, path, body }) => {
        if (path.includes('/typing/')) log.push(`typing ${(body as { typing: boolean }).typing}`);
        else if (path.includes('/send/')) {
          log.push('send');
          await new Promise<void>((resolve) => heldSends.push(resolve));
          log.push('send answered');
        } else log.push(`${method} ${path}`);
        return undefined;
      },
    });
    client = createChatClient({
      brokerUrl: BROKER,
      getHostToken: () => 'host-jwt',
      fetch: servers.fetch,
      storage: 'memory',
      deviceKey: 'typing-test-device',
      transport: 'direct',
    });
    await client.connect();
    client.setTyping(ROOM, true);
    // What the composer does on Enter: stop typing, then send.
    client.setTyping(ROOM, false);
    await client.sendMessage(ROOM, 'hello');
    await expect.poll(() => log).toContain('send');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log).toEqual(['typing true', 'send']);

    for (const release of heldSends) release();
    await expect.poll(() => log).toContain('typing false');
    expect(log).toEqual(['typing true', 'send', 'send answered', 'typing false']);
  });
});
