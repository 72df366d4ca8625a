export { encodeSseComment, encodeSseEvent, encodeSseRetry, type SseMessage } from './encodeSseEvent.js';
export { allowedCorsOrigin, eventStreamHead } from './eventStreamHead.js';
export {
  BATCH_EVENT,
  CLOSED_EVENT,
  type FlatEvent,
  flattenSync,
  RESYNC_EVENT,
  ROOM_EVENT,
  UNNAMED_EVENT,
} from './flattenSync.js';
export { type CursorPosition, SseCursor } from './SseCursor.js';
export { SseHub, type SseHubMetrics, type SseHubOptions } from './SseHub.js';
export { type GrantStatus, type SseGrant, SseSessions } from './SseSessions.js';
export { SseStream, type StreamStart } from './SseStream.js';
export { type StreamLease, StreamLeases, type StreamLeasesOptions } from './StreamLeases.js';
export { type StoredBatch, SyncBatches } from './SyncBatches.js';
export { type LoadedBatch, SYNC_FILTER, UserSync } from './UserSync.js';
