import { IDBFactory } from 'fake-indexeddb';
import { afterEach } from 'vitest';
import { IndexedDbOutboxStorage } from '../../src/outbox/IndexedDbOutboxStorage.js';
import { MemoryOutboxStorage } from '../../src/outbox/MemoryOutboxStorage.js';
import { Outbox, type OutboxOptions } from '../../src/outbox/Outbox.js';
import type { OutboxChange } from '../../src/outbox/OutboxEntry.js';
import { alwaysLeader } from '../../src/outbox/OutboxLeadership.js';
import type { OutboxStorage } from '../../src/outbox/OutboxStorage.js';
import { ChannelHub, FakeClock, FakeServer } from './fakes.js';

export const ALICE = '@alice:example.org';
export const ROOM_A = '!a:example.org';
export const ROOM_B = '!b:example.org';

export const text = (roomId: string, body: string) =>
  ({ roomId, kind: 'event', eventType: 'm.room.message', content: { msgtype: 'm.text', body } }) as const;

export interface Tab {
  readonly outbox: Outbox;
  readonly changes: OutboxChange[];
  readonly errors: unknown[];
}

/** One browser tab's outbox on a shared clock, server, storage and channel hub. */
export function openTab(
  world: { clock: FakeClock; server: FakeServer; storage: OutboxStorage; hub: ChannelHub },
  overrides: Partial<OutboxOptions> = {},
): Tab {
  const changes: OutboxChange[] = [];
  const errors: unknown[] = [];
  const outbox = new Outbox({
    userId: ALICE,
    storage: world.storage,
    send: world.server.send,
    now: world.clock.now,
    random: () => 0.5,
    setTimer: world.clock.setTimer,
    clearTimer: world.clock.clearTimer,
    leadership: alwaysLeader,
    openChannel: world.hub.open,
    onError: (error) => errors.push(error),
    ...overrides,
  });
  outbox.subscribe((change) => changes.push(change));
  return { outbox, changes, errors };
}

export function newWorld(storage: OutboxStorage) {
  const clock = new FakeClock();
  return { clock, server: new FakeServer(clock), storage, hub: new ChannelHub() };
}

/** Tabs of one browser profile: one storage per tab over shared data, for each implementation. */
export const backends: Array<[string, () => () => OutboxStorage]> = [
  [
    'memory',
    () => {
      const shared = new MemoryOutboxStorage();
      return () => shared;
    },
  ],
  [
    'fake-indexeddb',
    () => {
      const indexedDB = new IDBFactory();
      return () => new IndexedDbOutboxStorage({ indexedDB });
    },
  ],
];

/** Tabs a test opened; stopped after each test. */
export const tabs: Tab[] = [];
afterEach(async () => {
  await Promise.all(tabs.splice(0).map((tab) => tab.outbox.stop()));
});
