import { resolveObjectURL } from 'node:buffer';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient } from '../../src/index.js';
import { isChatSdkError } from '../../src/index.js';
import { type ChatBed, startChatBed } from '../support/chatBed.js';
import { eventually, messages } from '../support/eventually.js';

describe.each(['direct', 'sse'] as const)(
  'media, previews, notifications and search over a real Synapse (%s)',
  (transport) => {
    let bed: ChatBed;
    let alice: ChatClient;
    let bob: ChatClient;
    let roomId: string;
    let page: Server;

    beforeAll(async () => {
      bed = await startChatBed();
      alice = bed.client('alice', { transport });
      bob = bed.client('bob', { transport }, { direct: true });
      await Promise.all([alice.connect(), bob.connect()]);
      roomId = await bed.group(`g-feat-${transport}`, ['alice', 'bob']);
      await Promise.all([alice.openRoom(roomId), bob.openRoom(roomId)]);
      page = createServer((_request, response) => {
        response.setHeader('content-type', 'text/html; charset=utf-8');
        response.end(
          '<html><head><title>Trail</title><meta property="og:title" content="The summit trail">' +
            '<meta property="og:description" content="Six hours up"></head><body>hi</body></html>',
        );
      });
      await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    }, 120_000);
    afterAll(async () => {
      page?.close();
      await bed?.stop();
    });

    it('uploads a file and the other user downloads it through authenticated media', async () => {
      const bytes = new TextEncoder().encode('a file with some bytes\n'.repeat(100));
      const progress: number[] = [];
      await alice.sendFile(roomId, new Blob([bytes], { type: 'text/plain' }), {
        name: 'notes.txt',
        onProgress: ({ loaded }) => progress.push(loaded),
      });
      const received = await eventually(() => {
        const item = messages(bob, roomId).find((m) => m.content.body === 'notes.txt');
        expect(item?.content).toMatchObject({ msgtype: 'm.file', url: expect.stringMatching(/^mxc:\/\//) });
        return item;
      });
      const url = await bob.mediaUrl(String(received?.content.url));
      const blob = resolveObjectURL(url);
      expect(new Uint8Array(await (blob as Blob).arrayBuffer())).toEqual(bytes);
      // The same media again comes from the cache.
      expect(await bob.mediaUrl(String(received?.content.url))).toBe(url);
      // Media needs a token: the URL Synapse serves is not public.
      const [server, mediaId] = String(received?.content.url).slice(6).split('/');
      const anonymous = await fetch(
        `${bed.testbed.homeserverUrl}/_matrix/client/v1/media/download/${server}/${mediaId}`,
      );
      expect(anonymous.status).toBe(401);
    });

    it('previews a link through the homeserver', async () => {
      const { port } = page.address() as AddressInfo;
      const preview = await alice.urlPreview(`http://127.0.0.1:${port}/trail`);
      expect(preview).toMatchObject({ 'og:title': 'The summit trail', 'og:description': 'Six hours up' });
      await expect(alice.urlPreview('javascript:alert(1)')).rejects.toMatchObject({ code: 'CHAT_BAD_INPUT' });
    });

    it('stores the notification setting as push rules, and reads it back from sync', async () => {
      const rules = async () => {
        const token = bed.accessToken(alice);
        const response = await fetch(`${bed.testbed.homeserverUrl}/_matrix/client/v3/pushrules/`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await response.json()) as {
          global: Record<string, Array<{ rule_id: string; actions: unknown[] }>>;
        };
        return {
          override: body.global.override?.filter((rule) => rule.rule_id === roomId) ?? [],
          room: body.global.room?.filter((rule) => rule.rule_id === roomId) ?? [],
        };
      };
      await alice.setNotificationMode(roomId, 'mute');
      expect(await rules()).toMatchObject({ override: [{ rule_id: roomId, actions: [] }], room: [] });
      await alice.setNotificationMode(roomId, 'mentions');
      expect(await rules()).toMatchObject({ override: [], room: [{ rule_id: roomId, actions: [] }] });

      // Another client of the same user learns it from its sync.
      const other = bed.client('alice', { transport });
      await other.connect();
      await eventually(() => expect(other.store.getState().rooms[roomId]?.notification).toBe('mentions'));
      await alice.setNotificationMode(roomId, 'all');
      expect(await rules()).toEqual({ override: [], room: [] });
      await eventually(() => expect(other.store.getState().rooms[roomId]?.notification).toBe('all'));
    });

    it('searches messages on the server', async () => {
      await bob.sendMessage(roomId, 'the password is marmalade');
      await eventually(async () => {
        const found = await alice.search('marmalade', { roomId });
        expect(found.results).toEqual([
          expect.objectContaining({
            roomId,
            event: expect.objectContaining({
              content: expect.objectContaining({ body: 'the password is marmalade' }),
            }),
          }),
        ]);
      });
      const error = await alice.search('  ').catch((e: unknown) => e);
      expect(isChatSdkError(error, 'CHAT_BAD_INPUT')).toBe(true);
    });
  },
);
