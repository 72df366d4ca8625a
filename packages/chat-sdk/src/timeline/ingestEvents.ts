import { classifyEvent } from './classifyEvent.js';
import { type ItemBase, isPendingEcho, withBase } from './itemBase.js';
import { isLocalEcho, isRecord, redactedBecauseOf, transactionIdOf } from './readEvent.js';
import type { TimelineDraft } from './TimelineDraft.js';
import type { MessageItem, RawEvent, StateItem, TimelineItem, TimelineOptions } from './types.js';

function baseFrom(event: RawEvent): ItemBase {
  const base: ItemBase = { content: event.content, local: false };
  const redactedBecause = redactedBecauseOf(event);
  if (redactedBecause !== undefined) base.redactedBecause = redactedBecause;
  return base;
}

function stateItemFrom(event: RawEvent, stateKey: string): StateItem {
  const item: StateItem = {
    kind: 'state',
    key: event.event_id,
    eventId: event.event_id,
    sender: event.sender,
    ts: event.origin_server_ts,
    type: event.type,
    stateKey,
    content: event.content,
  };
  const prevContent = event.unsigned?.prev_content;
  if (isRecord(prevContent)) item.prevContent = prevContent;
  return withBase(item, baseFrom(event));
}

/**
 * A message item for a server event. `txnId` is set for this client's own messages (the server
 * returns `unsigned.transaction_id` to the sending device only), so a message sent before a reload
 * keeps the key its local echo had.
 */
function messageItemFrom(event: RawEvent, echo: MessageItem | undefined, txnId: string | undefined) {
  const item: MessageItem = {
    kind: 'message',
    key: echo?.key ?? txnId ?? event.event_id,
    eventId: event.event_id,
    sender: event.sender,
    ts: event.origin_server_ts,
    type: event.type,
    content: event.content,
    reactions: [],
  };
  const ownTxnId = echo?.txnId ?? txnId;
  if (ownTxnId !== undefined) {
    item.txnId = ownTxnId;
    item.sendState = 'sent';
  }
  return withBase(item, baseFrom(event));
}

/** The remote echo of a relation echo replaces it; otherwise the relation is added. */
function addServerRelation(draft: TimelineDraft, target: string, event: RawEvent): void {
  const txnId = transactionIdOf(event);
  const echo =
    (txnId === undefined ? undefined : draft.relationByTxn(txnId)) ?? draft.relationById(event.event_id);
  if (echo !== undefined && isLocalEcho(echo.event)) draft.removeRelation(echo.target, echo.event);
  draft.addRelation(target, event);
}

/**
 * Takes server events (oldest first) into the draft: relations go to `relations`, a remote echo
 * replaces its local echo (whose position is freed), and the items to place are returned in order
 * for the caller to insert where they belong. Events already here and repeats are skipped.
 */
export function ingestEvents(
  draft: TimelineDraft,
  events: readonly RawEvent[],
  options: TimelineOptions,
): TimelineItem[] {
  const placed: TimelineItem[] = [];
  const seen = new Set<string>();
  const claimedTxns = new Set<string>();
  for (const event of events) {
    if (seen.has(event.event_id) || draft.isKnown(event)) continue;
    seen.add(event.event_id);
    const role = classifyEvent(event, options);
    if (role.role === 'relation') {
      addServerRelation(draft, role.target, event);
    } else if (role.role === 'state' && event.state_key !== undefined) {
      placed.push(stateItemFrom(event, event.state_key));
    } else if (role.role === 'message') {
      const txnId = transactionIdOf(event);
      const position =
        draft.positionOfEvent(event.event_id) ??
        (txnId === undefined ? undefined : draft.positionOfTxn(txnId));
      const existing = position === undefined ? undefined : draft.itemAt(position);
      const echo =
        existing !== undefined && existing.kind !== 'gap' && isPendingEcho(existing) ? existing : undefined;
      if (echo !== undefined && position !== undefined) draft.remove(position);
      // A transaction id already taken by another message is not this one's (ids are per device).
      const ownTxnId =
        txnId !== undefined && !claimedTxns.has(txnId) && (echo !== undefined || position === undefined)
          ? txnId
          : undefined;
      if (ownTxnId !== undefined) claimedTxns.add(ownTxnId);
      placed.push(messageItemFrom(event, echo, ownTxnId));
    }
  }
  return placed;
}
