export { createStore, type StoreConfig } from './createStore.js';
export { MemoryStore, type MemoryStoreOptions } from './MemoryStore.js';
export { RedisStore, type RedisStoreOptions } from './RedisStore.js';
export type { Store } from './Store.js';
export { type WithLockOptions, withLock } from './withLock.js';
