import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/createStore.js';
import { MemoryStore } from '../../src/store/MemoryStore.js';

describe('createStore', () => {
  it('builds a MemoryStore for kind memory', async () => {
    const store = createStore({ kind: 'memory' });
    try {
      expect(store).toBeInstanceOf(MemoryStore);
      await store.set('a', 'v');
      expect(await store.get('a')).toBe('v');
    } finally {
      await store.close();
    }
  });
});
