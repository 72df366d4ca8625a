export { addLocalEcho, type LocalEcho } from './addLocalEcho.js';
export { applyBackPagination } from './applyBackPagination.js';
export { applyLiveEvents, type SyncBatch } from './applyLiveEvents.js';
export { emptyTimeline } from './emptyTimeline.js';
export { removeLocalEcho } from './removeLocalEcho.js';
export { setPaginating } from './setPaginating.js';
export type {
  GapItem,
  MessageItem,
  RawEvent,
  ReactionGroup,
  RoomTimeline,
  SendState,
  StateItem,
  TimelineItem,
  TimelineOptions,
} from './types.js';
export { type LocalEchoPatch, updateLocalEcho } from './updateLocalEcho.js';
