import { MemoryStore } from './MemoryStore.js';
import { RedisStore } from './RedisStore.js';
import type { Store } from './Store.js';

export type StoreConfig = { kind: 'memory' } | { kind: 'redis'; url: string; keyPrefix?: string };

/** The one place a backend is chosen; everything else sees only `Store`. */
export function createStore(config: StoreConfig): Store {
  switch (config.kind) {
    case 'memory':
      return new MemoryStore();
    case 'redis':
      return new RedisStore(
        config.keyPrefix === undefined
          ? { url: config.url }
          : { url: config.url, keyPrefix: config.keyPrefix },
      );
  }
}
