import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/MemoryStore.js';
import { describeStoreContract } from './storeContract.js';

describeStoreContract('MemoryStore', async () => new MemoryStore());

describe('MemoryStore', () => {
  it('sweeps expired keys nobody reads again', async () => {
    const store = new MemoryStore({ sweepIntervalMs: 20 });
    try {
      for (let i = 0; i < 100; i += 1) await store.set(`k${i}`, 'v', { ttlMs: 30 });
      await store.set('kept', 'v');
      await store.increment('counter', 30);
      expect(store.size).toBe(102);
      await sleep(120);
      expect(store.size).toBe(1);
      expect(await store.get('kept')).toBe('v');
    } finally {
      await store.close();
    }
  });
});
