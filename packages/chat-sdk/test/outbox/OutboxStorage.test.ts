import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { isChatSdkError } from '../../src/ChatSdkError.js';
import { IndexedDbOutboxStorage } from '../../src/outbox/IndexedDbOutboxStorage.js';
import { MemoryOutboxStorage } from '../../src/outbox/MemoryOutboxStorage.js';
import type { OutboxEntry } from '../../src/outbox/OutboxEntry.js';
import type { OutboxStorage } from '../../src/outbox/OutboxStorage.js';

function entry(id: string, overrides: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    id,
    txnId: id,
    userId: '@alice:example.org',
    roomId: '!room:example.org',
    kind: 'event',
    eventType: 'm.room.message',
    content: { msgtype: 'm.text', body: `message ${id}` },
    seq: 1,
    createdAt: 1000,
    queuedAt: 1000,
    state: 'queued',
    attempts: 0,
    ...overrides,
  };
}

const byId = (a: OutboxEntry, b: OutboxEntry) => a.id.localeCompare(b.id);

const implementations: Array<[string, () => OutboxStorage]> = [
  ['MemoryOutboxStorage', () => new MemoryOutboxStorage()],
  ['IndexedDbOutboxStorage', () => new IndexedDbOutboxStorage({ indexedDB: new IDBFactory() })],
];

describe.each(implementations)('OutboxStorage contract: %s', (_name, create) => {
  it('loads only the entries of the given user', async () => {
    const storage = create();
    await storage.put(entry('a'));
    await storage.put(entry('b', { userId: '@bob:example.org' }));
    await storage.put(entry('c', { roomId: '!other:example.org' }));

    expect((await storage.load('@alice:example.org')).sort(byId)).toEqual([
      entry('a'),
      entry('c', { roomId: '!other:example.org' }),
    ]);
    expect(await storage.load('@bob:example.org')).toEqual([entry('b', { userId: '@bob:example.org' })]);
    expect(await storage.load('@nobody:example.org')).toEqual([]);
  });

  it('replaces an entry with the same id, keeping optional fields as given', async () => {
    const storage = create();
    await storage.put(entry('a'));
    const failed = entry('a', {
      state: 'failed',
      attempts: 2,
      error: { code: 'CHAT_SEND_FAILED', message: 'no', status: 403 },
    });
    await storage.put(failed);
    expect(await storage.load('@alice:example.org')).toEqual([failed]);
  });

  it('deletes one entry, and deleting a missing one is fine', async () => {
    const storage = create();
    await storage.put(entry('a'));
    await storage.put(entry('b'));
    await storage.delete('a');
    await storage.delete('missing');
    expect(await storage.load('@alice:example.org')).toEqual([entry('b')]);
  });

  it('clears one user and leaves the others', async () => {
    const storage = create();
    await storage.put(entry('a'));
    await storage.put(entry('b'));
    await storage.put(entry('c', { userId: '@bob:example.org' }));
    await storage.clear('@alice:example.org');
    expect(await storage.load('@alice:example.org')).toEqual([]);
    expect(await storage.load('@bob:example.org')).toHaveLength(1);
  });

  it('keeps its own copy: changing a stored or loaded object does not change storage', async () => {
    const storage = create();
    const original = { ...entry('a'), content: { body: 'before' } };
    await storage.put(original);
    original.content.body = 'changed after put';
    const [loaded] = await storage.load('@alice:example.org');
    (loaded?.content as { body: string }).body = 'changed after load';
    expect((await storage.load('@alice:example.org'))[0]?.content).toEqual({ body: 'before' });
  });
});

describe('IndexedDbOutboxStorage', () => {
  it('survives closing: a new instance on the same database sees the entries', async () => {
    const indexedDB = new IDBFactory();
    const first = new IndexedDbOutboxStorage({ indexedDB });
    await first.put(entry('a'));
    first.close();
    const second = new IndexedDbOutboxStorage({ indexedDB });
    expect(await second.load('@alice:example.org')).toEqual([entry('a')]);
    // The closed one opens again on its next call.
    expect(await first.load('@alice:example.org')).toEqual([entry('a')]);
    first.close();
    second.close();
  });

  it('keeps databases with different names apart and uses openmeet-chat by default', async () => {
    const indexedDB = new IDBFactory();
    const byDefault = new IndexedDbOutboxStorage({ indexedDB });
    const other = new IndexedDbOutboxStorage({ indexedDB, databaseName: 'other' });
    await byDefault.put(entry('a'));
    expect(await other.load('@alice:example.org')).toEqual([]);
    const names = (await indexedDB.databases()).map((db) => db.name).sort();
    expect(names).toEqual(['openmeet-chat', 'other']);
    byDefault.close();
    other.close();
  });

  it('reports a write IndexedDB refuses as CHAT_STORAGE', async () => {
    const storage = new IndexedDbOutboxStorage({ indexedDB: new IDBFactory() });
    const uncloneable = entry('a', { content: { callback: () => undefined } });
    const error = await storage.put(uncloneable).catch((e: unknown) => e);
    expect(isChatSdkError(error, 'CHAT_STORAGE')).toBe(true);
    expect(await storage.load('@alice:example.org')).toEqual([]);
    storage.close();
  });

  it('reports a failing open as CHAT_STORAGE, and tries again on the next call', async () => {
    const real = new IDBFactory();
    let failures = 1;
    const flaky = {
      open: (name: string, version?: number) => {
        if (failures-- > 0) throw new DOMException('The user denied storage', 'SecurityError');
        return real.open(name, version);
      },
    } as unknown as IDBFactory;
    const storage = new IndexedDbOutboxStorage({ indexedDB: flaky });
    const error = await storage.load('@alice:example.org').catch((e: unknown) => e);
    expect(isChatSdkError(error, 'CHAT_STORAGE')).toBe(true);
    expect(await storage.load('@alice:example.org')).toEqual([]);
    storage.close();
  });

  it('reports a missing IndexedDB as CHAT_STORAGE', async () => {
    const storage = new IndexedDbOutboxStorage();
    // Node has no IndexedDB unless fake-indexeddb/auto is loaded, which this file does not do.
    expect(globalThis.indexedDB).toBeUndefined();
    const error = await storage.load('@alice:example.org').catch((e: unknown) => e);
    expect(isChatSdkError(error, 'CHAT_STORAGE')).toBe(true);
  });

  it('lets another tab upgrade the database instead of blocking it', async () => {
    const indexedDB = new IDBFactory();
    const storage = new IndexedDbOutboxStorage({ indexedDB });
    await storage.put(entry('a'));
    const upgrade = indexedDB.open('openmeet-chat', 2);
    const blocked = new Promise<boolean>((resolve) => {
      upgrade.onblocked = () => resolve(true);
      upgrade.onsuccess = () => resolve(false);
    });
    expect(await blocked).toBe(false);
    upgrade.result.close();
  });
});
