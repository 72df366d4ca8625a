export { classifySendError, type SendErrorClass } from './classifySendError.js';
export { EVENT_SIZE_MARGIN_BYTES, type EventSizeInput, eventSize, MAX_EVENT_BYTES } from './eventSize.js';
export {
  IndexedDbOutboxStorage,
  type IndexedDbOutboxStorageOptions,
} from './IndexedDbOutboxStorage.js';
export { MemoryOutboxStorage } from './MemoryOutboxStorage.js';
export { Outbox, type OutboxOptions, type OutboxSend, type TimerHandle } from './Outbox.js';
export {
  type OpenOutboxChannel,
  type OutboxChannel,
  type OutboxMessage,
  openBroadcastChannel,
} from './OutboxChannel.js';
export {
  newTxnId,
  type OutboxChange,
  type OutboxChangeType,
  type OutboxEntry,
  type OutboxEntryError,
  type OutboxEntryKind,
  type OutboxEntryState,
  type OutboxInput,
} from './OutboxEntry.js';
export {
  alwaysLeader,
  defaultOutboxLeadership,
  type LockRequester,
  type OutboxLeadership,
  webLocksLeadership,
} from './OutboxLeadership.js';
export { backoffDelay, defaultOutboxPolicy, type OutboxPolicy } from './OutboxPolicy.js';
export type { OutboxStorage } from './OutboxStorage.js';
