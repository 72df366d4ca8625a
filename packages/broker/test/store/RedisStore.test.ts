import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisHandle, resolveRedis } from '@openmeet/testbed';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/createStore.js';
import { RedisStore } from '../../src/store/RedisStore.js';
import { describeStoreContract } from './storeContract.js';

let handle: RedisHandle;
let dataDir: string;
// Every store gets its own prefix so tests never touch other data in a shared Redis.
const prefixes: string[] = [];
const newPrefix = () => {
  const prefix = `om-test:${randomUUID()}:`;
  prefixes.push(prefix);
  return prefix;
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'om-broker-store-'));
  handle = await resolveRedis({ mode: 'auto', dataDir });
});

afterAll(async () => {
  const admin = new Redis(handle.url);
  try {
    for (const prefix of prefixes) {
      // SCAN rather than KEYS: a shared Redis must not be blocked by a test's cleanup.
      for await (const keys of admin.scanStream({ match: `${prefix}*`, count: 500 })) {
        if ((keys as string[]).length > 0) await admin.del(...(keys as string[]));
      }
    }
  } finally {
    admin.disconnect();
    await handle.process?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

describeStoreContract('RedisStore', async () => new RedisStore({ url: handle.url, keyPrefix: newPrefix() }));

describe('RedisStore', () => {
  it('stores keys under its prefix, with TTLs in Redis itself', async () => {
    const prefix = newPrefix();
    const store = new RedisStore({ url: handle.url, keyPrefix: prefix });
    const admin = new Redis(handle.url);
    try {
      await store.set('a', 'v', { ttlMs: 5000 });
      await store.increment('n', 5000);
      await store.setIfAbsent('lock', 't', 5000);
      expect(await admin.get(`${prefix}a`)).toBe('v');
      for (const key of ['a', 'n', 'lock']) {
        const ttl = await admin.pttl(`${prefix}${key}`);
        expect(ttl).toBeGreaterThan(4000);
        expect(ttl).toBeLessThanOrEqual(5000);
      }
      expect(await admin.get('a')).not.toBe('v');
    } finally {
      await store.close();
      admin.disconnect();
    }
  });

  it('exposes its client for sharing', async () => {
    const store = new RedisStore({ url: handle.url, keyPrefix: newPrefix() });
    try {
      await store.ping();
      expect(await store.redis.ping()).toBe('PONG');
    } finally {
      await store.close();
    }
    expect(store.redis.status).toBe('end');
  });

  it('is what createStore builds for kind redis', async () => {
    const store = createStore({ kind: 'redis', url: handle.url, keyPrefix: newPrefix() });
    try {
      expect(store).toBeInstanceOf(RedisStore);
      await store.set('a', 'v');
      expect(await store.get('a')).toBe('v');
    } finally {
      await store.close();
    }
  });
});
