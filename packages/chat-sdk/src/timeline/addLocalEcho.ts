import { classifyEvent } from './classifyEvent.js';
import { withBase } from './itemBase.js';
import { isRecord, LOCAL_ECHO_MARK } from './readEvent.js';
import { TimelineDraft } from './TimelineDraft.js';
import type { MessageItem, RawEvent, RoomTimeline, TimelineOptions } from './types.js';

/** An event this client is sending, as the outbox knows it. */
export interface LocalEcho {
  txnId: string;
  type: string;
  content: Record<string, unknown>;
  sender: string;
  /** Local clock. */
  ts: number;
  /** For `m.room.redaction`: the event being redacted. */
  redacts?: string;
}

/**
 * Shows what this client is sending before the server confirms it: a message becomes an item
 * (key = `txnId`, `sending`) at the bottom; an edit, reaction or redaction applies to its target at
 * once. A transaction id already here (a reload after the remote echo came) changes nothing.
 */
export function addLocalEcho(
  timeline: RoomTimeline,
  echo: LocalEcho,
  options: TimelineOptions,
): RoomTimeline {
  const draft = new TimelineDraft(timeline);
  const { txnId } = echo;
  if (draft.positionOfTxn(txnId) !== undefined || draft.relationByTxn(txnId) !== undefined) return timeline;
  const content = isRecord(echo.content) ? echo.content : {};
  // Kept in `relations` like a server event, marked so its remote echo replaces it. No event id yet.
  const event: RawEvent = {
    event_id: '',
    type: echo.type,
    sender: echo.sender,
    origin_server_ts: echo.ts,
    content,
    unsigned: { transaction_id: txnId, [LOCAL_ECHO_MARK]: true },
  };
  if (echo.redacts !== undefined) event.redacts = echo.redacts;
  const role = classifyEvent(event, options);
  if (role.role === 'relation') {
    draft.addRelation(role.target, event);
  } else if (role.role === 'message') {
    const item: MessageItem = {
      kind: 'message',
      key: txnId,
      txnId,
      sender: echo.sender,
      ts: echo.ts,
      type: echo.type,
      content,
      reactions: [],
      sendState: 'sending',
    };
    draft.insert(draft.length, [withBase(item, { content, local: true })]);
  } else {
    return timeline;
  }
  return draft.commit(options.userId);
}
