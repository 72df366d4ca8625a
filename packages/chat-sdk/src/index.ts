export type { BrokerSession, EntityQuery } from './broker/BrokerApi.js';
export {
  ChatSdkError,
  type ChatSdkErrorCode,
  type ChatSdkErrorOptions,
  isChatSdkError,
} from './ChatSdkError.js';
export {
  ChatClient,
  type Queued,
  type SearchResult,
  type SendOptions,
  type UploadOptions,
} from './client/ChatClient.js';
export { type ChatClientOptions, createChatClient } from './client/createChatClient.js';
export {
  isMxcUrl,
  type MatrixHtmlElement,
  type MatrixHtmlNode,
  permalink,
  renderMarkdown,
  sanitizeMatrixHtml,
  sanitizeMatrixHtmlTree,
} from './content/index.js';
export type { Thumbnail } from './media/MediaCache.js';
export { IndexedDbOutboxStorage } from './outbox/IndexedDbOutboxStorage.js';
export { MemoryOutboxStorage } from './outbox/MemoryOutboxStorage.js';
export type { OutboxEntry, OutboxEntryState } from './outbox/OutboxEntry.js';
export type { OutboxStorage } from './outbox/OutboxStorage.js';
export {
  type CacheSession,
  type ChatCache,
  indexedDbCache,
  type SnapshotCacheOptions,
  snapshotCache,
} from './snapshot/ChatCache.js';
export type { ChatSnapshot } from './snapshot/ChatSnapshot.js';
export { IndexedDbSnapshotStorage, SNAPSHOT_DATABASE } from './snapshot/IndexedDbSnapshotStorage.js';
export type { SnapshotStorage } from './snapshot/SnapshotStorage.js';
export type {
  ChatState,
  ConnectionState,
  ConnectionStatus,
  Member,
  NotificationMode,
  PowerLevels,
  Receipt,
  RoomKind,
  RoomSummary,
} from './store/ChatState.js';
export type { ChatStore } from './store/createChatStore.js';
export {
  selectConnection,
  selectMember,
  selectReadReceipts,
  selectRoom,
  selectRoomList,
  selectTimeline,
  selectTypingUsers,
  selectUnreadTotal,
} from './store/selectors.js';
export type { NetworkSignals } from './sync/networkSignals.js';
export type {
  GapItem,
  MessageItem,
  RawEvent,
  ReactionGroup,
  RoomTimeline,
  SendState,
  StateItem,
  TimelineItem,
} from './timeline/types.js';
