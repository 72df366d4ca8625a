import { randomBytes } from 'node:crypto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexedDbOutboxStorage } from '../../src/index.js';
import { bodiesOnServer } from '../support/bodiesOnServer.js';
import { type ChatBed, startChatBed } from '../support/chatBed.js';
import { eventually, messages } from '../support/eventually.js';

describe('the durable outbox against a real Synapse', () => {
  let bed: ChatBed;
  let rooms: string[];

  beforeAll(async () => {
    bed = await startChatBed();
    const first = bed.client('alice');
    await first.connect();
    await first.close();
    rooms = [await bed.group('g-out-1', ['alice']), await bed.group('g-out-2', ['alice'])];
  }, 120_000);
  afterAll(async () => {
    await bed?.stop();
  });

  it('delivers 20 messages queued offline across 2 rooms exactly once, in order, after a reload', async () => {
    // One browser profile: the same IndexedDB and the same device across the "reload".
    const indexedDB = new IDBFactory();
    const deviceKey = `dev${randomBytes(8).toString('hex')}`;
    const storage = () => new IndexedDbOutboxStorage({ indexedDB, databaseName: 'chat' });
    const before = bed.client('alice', { storage: storage(), deviceKey });
    for (const roomId of rooms) await before.openRoom(roomId);

    await bed.proxy.cut();
    const sent: Record<string, string[]> = { [rooms[0] as string]: [], [rooms[1] as string]: [] };
    for (let i = 0; i < 20; i++) {
      const roomId = rooms[i % 2] as string;
      const text = `queued ${i}`;
      await before.sendMessage(roomId, text);
      sent[roomId]?.push(text);
    }
    expect(before.store.getState().connection.queued).toBe(20);
    await before.close();

    const after = bed.client('alice', { storage: storage(), deviceKey });
    const connected = after.connect();
    // The queued messages show again after the reload, before the network is back.
    await eventually(() => expect(after.store.getState().connection.queued).toBe(20));
    for (const roomId of rooms) {
      expect(messages(after, roomId).filter((m) => m.sendState === 'sending')).toHaveLength(10);
    }
    await bed.proxy.start();
    await connected;

    await eventually(() => expect(after.store.getState().connection.queued).toBe(0), 30_000);
    for (const roomId of rooms) {
      const onServer = (await bodiesOnServer(bed, roomId)).filter((body) => body.startsWith('queued '));
      expect(onServer).toEqual(sent[roomId]);
      // And the client shows each once, sent.
      await eventually(() => {
        const shown = messages(after, roomId).filter((m) => String(m.content.body).startsWith('queued '));
        expect(shown.map((m) => m.content.body)).toEqual(sent[roomId]);
        expect(shown.every((m) => m.sendState === 'sent')).toBe(true);
      });
    }
  }, 120_000);

  it('signOut() forgets the queued messages: the next user of the browser sees nothing', async () => {
    const indexedDB = new IDBFactory();
    const deviceKey = `dev${randomBytes(8).toString('hex')}`;
    const storage = () => new IndexedDbOutboxStorage({ indexedDB, databaseName: 'chat' });
    const client = bed.client('alice', { storage: storage(), deviceKey });
    await client.openRoom(rooms[0] as string);
    await bed.proxy.cut();
    try {
      await client.sendMessage(rooms[0] as string, 'never to be sent');
      expect(client.store.getState().connection.queued).toBe(1);
      await client.signOut();
      expect(client.store.getState().timelines).toEqual({});
      expect(client.store.getState().userId).toBeUndefined();
    } finally {
      await bed.proxy.start();
    }
    const next = bed.client('alice', { storage: storage(), deviceKey });
    await next.connect();
    expect(next.store.getState().connection.queued).toBe(0);
    await next.close();
    expect((await bodiesOnServer(bed, rooms[0] as string)).includes('never to be sent')).toBe(false);
  }, 60_000);

  it('sends one event when the token is rotated while a send is in flight', async () => {
    const roomId = rooms[0] as string;
    let trapped = false;
    // The first send reaches Synapse, but the client is told its token is unknown (as if it was
    // rotated meanwhile): it refreshes through the broker and sends again with the same txnId.
    const trap: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const response = await fetch(input, init);
      if (!trapped && init?.method === 'PUT' && url.includes('/send/m.room.message/')) {
        trapped = true;
        return new Response(JSON.stringify({ errcode: 'M_UNKNOWN_TOKEN', error: 'rotated' }), {
          status: 401,
          headers: { 'content-type': 'application/json' },
        });
      }
      return response;
    };
    const client = bed.client('alice', { fetch: trap });
    await client.openRoom(roomId);
    const tokenBefore = bed.accessToken(client);
    await client.sendMessage(roomId, 'rotated once');
    await eventually(() => expect(client.store.getState().connection.queued).toBe(0));
    expect(trapped).toBe(true);
    expect(tokenBefore).toBeDefined();
    expect(bed.accessToken(client)).not.toBe(tokenBefore);
    expect((await bodiesOnServer(bed, roomId)).filter((body) => body === 'rotated once')).toHaveLength(1);
    await eventually(() =>
      expect(messages(client, roomId).filter((m) => m.content.body === 'rotated once')).toHaveLength(1),
    );
  }, 60_000);
});
