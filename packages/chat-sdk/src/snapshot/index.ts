export {
  type CacheSession,
  type ChatCache,
  indexedDbCache,
  type SnapshotCacheOptions,
  snapshotCache,
} from './ChatCache.js';
export {
  type ChatSnapshot,
  restorable,
  SNAPSHOT_ITEMS_PER_ROOM,
  SNAPSHOT_VERSION,
  snapshotOf,
} from './ChatSnapshot.js';
export { IndexedDbSnapshotStorage, SNAPSHOT_DATABASE } from './IndexedDbSnapshotStorage.js';
export type { SnapshotStorage } from './SnapshotStorage.js';
