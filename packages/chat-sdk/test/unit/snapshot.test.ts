import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatClient } from '../../src/client/ChatClient.js';
import { createChatClient } from '../../src/client/createChatClient.js';
import { snapshotCache } from '../../src/snapshot/ChatCache.js';
import { restorable, SNAPSHOT_ITEMS_PER_ROOM, snapshotOf } from '../../src/snapshot/ChatSnapshot.js';
import { IndexedDbSnapshotStorage } from '../../src/snapshot/IndexedDbSnapshotStorage.js';
import type { SnapshotStorage } from '../../src/snapshot/SnapshotStorage.js';
import { initialChatState } from '../../src/store/ChatState.js';
import type { MessageItem, RawEvent } from '../../src/timeline/types.js';
import { ALICE, BROKER, fakeServers, gate, ROOM } from '../support/fakeServers.js';

class MemorySnapshots implements SnapshotStorage {
  readonly records = new Map<string, unknown>();
  saves = 0;
  async load(deviceKey: string) {
    return structuredClone(this.records.get(deviceKey));
  }
  async save(deviceKey: string, snapshot: unknown) {
    this.saves++;
    this.records.set(deviceKey, structuredClone(snapshot));
  }
  async clear(deviceKey: string) {
    this.records.delete(deviceKey);
  }
}

const message = (n: number, sender = ALICE): RawEvent => ({
  event_id: `$m${n}`,
  type: 'm.room.message',
  sender,
  origin_server_ts: 1000 + n,
  content: { msgtype: 'm.text', body: `message ${n}` },
});

const clients: ChatClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

function client(servers: { fetch: typeof globalThis.fetch }, storage: SnapshotStorage) {
  const made = createChatClient({
    brokerUrl: BROKER,
    getHostToken: () => 'host-jwt',
    fetch: servers.fetch,
    storage: 'memory',
    cache: snapshotCache(storage, { delayMs: 20 }),
    deviceKey: 'snapshot-test-device',
    transport: 'direct',
  });
  clients.push(made);
  return made;
}

const bodies = (chat: ChatClient) =>
  (chat.store.getState().timelines[ROOM]?.items ?? [])
    .filter((item): item is MessageItem => item.kind === 'message')
    .map((item) => item.content.body);

describe('the last session snapshot', () => {
  it('shows a returning user their room before the first sync, which then replaces it', async () => {
    const cache = new MemorySnapshots();
    const first = client(fakeServers({ events: [message(1), message(2)] }), cache);
    expect(await first.openEntityRoom({ kind: 'group', slug: 'hikers' })).toBe(ROOM);
    await expect.poll(() => cache.saves, { timeout: 2000 }).toBeGreaterThan(0);
    await first.close();

    // The next page open: the sync (and the broker's lookup) are slow this time.
    const sync = gate();
    const next = client(fakeServers({ events: [message(2), message(3)], held: sync.held }), cache);
    expect(await next.openEntityRoom({ kind: 'group', slug: 'hikers' })).toBe(ROOM);
    expect(bodies(next)).toEqual(['message 1', 'message 2']);
    expect(next.store.getState().connection.status).toBe('connecting');

    sync.open();
    await next.connect();
    // Replaced, not merged: nothing twice, nothing the server no longer sends.
    expect(bodies(next)).toEqual(['message 2', 'message 3']);
  });

  it('keeps what a stale first sync lacks until the next sync brings it again, in order and once', async () => {
    const storage = new MemorySnapshots();
    const first = client(fakeServers({ events: [message(1), message(2), message(4)] }), storage);
    await first.openEntityRoom({ kind: 'group', slug: 'hikers' });
    await expect.poll(() => storage.saves, { timeout: 2000 }).toBeGreaterThan(0);
    await first.close();

    // Synapse answers the reopened page's first syncs from its cache, from before message 4: first
    // an older batch with message 3 (sent by someone else), then message 4 again.
    const sync = gate();
    const servers = fakeServers({
      events: [message(1), message(2)],
      held: sync.held,
      incremental: [[message(3, '@bob:example.org')], [message(4)]],
    });
    const next = client(servers, storage);
    await next.openEntityRoom({ kind: 'group', slug: 'hikers' });
    const seen: string[][] = [];
    next.store.subscribe(() => seen.push(bodies(next) as string[]));
    sync.open();
    await next.connect();
    await expect.poll(() => bodies(next)).toEqual(['message 1', 'message 2', 'message 3', 'message 4']);
    // Message 4 never left the screen on the way.
    expect(seen.every((shown) => shown.includes('message 4'))).toBe(true);
  });

  it("never shows another user's snapshot, and signOut deletes it", async () => {
    const cache = new MemorySnapshots();
    const alice = client(fakeServers({ events: [message(1)] }), cache);
    await alice.openEntityRoom({ kind: 'group', slug: 'hikers' });
    await expect.poll(() => cache.saves, { timeout: 2000 }).toBeGreaterThan(0);
    await alice.close();

    const sync = gate();
    const servers = fakeServers({
      userId: '@bob:example.org',
      events: [message(9, '@bob:example.org')],
      held: sync.held,
    });
    const bob = client(servers, cache);
    const opening = bob.openEntityRoom({ kind: 'group', slug: 'hikers' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bob.store.getState().timelines[ROOM]).toBeUndefined();
    sync.open();
    await opening;
    expect(bodies(bob)).toEqual(['message 9']);

    await bob.signOut();
    expect(cache.records.size).toBe(0);
  });

  it('keeps only confirmed events, at most the newest per room, without a back token that would skip history', () => {
    const items: MessageItem[] = Array.from({ length: SNAPSHOT_ITEMS_PER_ROOM + 5 }, (_, n) => ({
      kind: 'message',
      key: `$m${n}`,
      eventId: `$m${n}`,
      sender: ALICE,
      ts: n,
      type: 'm.room.message',
      content: { body: `message ${n}` },
      reactions: [],
    }));
    const { eventId: _confirmed, ...unconfirmed } = items[0] as MessageItem;
    const pending: MessageItem = { ...unconfirmed, key: 'om.1', txnId: 'om.1', sendState: 'sending' };
    const state = {
      ...initialChatState(),
      userId: ALICE,
      timelines: {
        [ROOM]: { items: [...items, pending], backToken: 'b1', paginating: true, relations: new Map() },
      },
    };
    const snapshot = snapshotOf(state, new Map([['group:slug:hikers', ROOM]]), 5);
    const kept = snapshot?.timelines[ROOM];
    expect(kept?.items).toHaveLength(SNAPSHOT_ITEMS_PER_ROOM);
    expect(kept?.items.at(-1)?.key).toBe(`$m${SNAPSHOT_ITEMS_PER_ROOM + 4}`);
    expect(kept?.backToken).toBeUndefined();
    expect(kept?.paginating).toBe(false);
    expect(restorable(structuredClone(snapshot), ALICE)).toBeDefined();
    expect(restorable(structuredClone(snapshot), '@bob:example.org')).toBeUndefined();
    expect(restorable({ ...snapshot, version: 0 }, ALICE)).toBeUndefined();
  });
});

describe('IndexedDbSnapshotStorage', () => {
  it('keeps one snapshot per device key, as it was saved, until cleared', async () => {
    const storage = new IndexedDbSnapshotStorage({ indexedDB: new IDBFactory() });
    const state = { ...initialChatState(), userId: ALICE };
    const snapshot = snapshotOf(state, new Map([['group:id:g1', ROOM]]), 7);
    if (snapshot === undefined) throw new Error('no snapshot');
    expect(await storage.load('device-a')).toBeUndefined();
    await storage.save('device-a', snapshot);
    expect(restorable(await storage.load('device-a'), ALICE)).toEqual(snapshot);
    expect(await storage.load('device-b')).toBeUndefined();
    await storage.clear('device-a');
    expect(await storage.load('device-a')).toBeUndefined();
  });
});
