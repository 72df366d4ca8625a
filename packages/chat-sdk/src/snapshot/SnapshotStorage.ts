import type { ChatSnapshot } from './ChatSnapshot.js';

/** Where the last session's snapshot is kept, one per device key (the browser profile's device). */
export interface SnapshotStorage {
  load(deviceKey: string): Promise<unknown>;
  save(deviceKey: string, snapshot: ChatSnapshot): Promise<void>;
  clear(deviceKey: string): Promise<void>;
}
