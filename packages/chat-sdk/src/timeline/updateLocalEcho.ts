import { baseOf, isPendingEcho, withBase } from './itemBase.js';
import { isLocalEcho } from './readEvent.js';
import { sameMessage } from './sameMessage.js';
import { TimelineDraft } from './TimelineDraft.js';
import type { MessageItem, RoomTimeline, SendState } from './types.js';

export interface LocalEchoPatch {
  sendState?: SendState;
  /** From the send response: lets the remote echo be recognised even without its transaction id. */
  eventId?: string;
  error?: { code: string; message: string };
}

function patched(item: MessageItem, patch: LocalEchoPatch): MessageItem {
  const next: MessageItem = {
    kind: 'message',
    key: item.key,
    sender: item.sender,
    ts: item.ts,
    type: item.type,
    content: item.content,
    reactions: item.reactions,
  };
  if (item.txnId !== undefined) next.txnId = item.txnId;
  const eventId = patch.eventId ?? item.eventId;
  if (eventId !== undefined) next.eventId = eventId;
  const sendState = patch.sendState ?? item.sendState;
  if (sendState !== undefined) next.sendState = sendState;
  // A retry or a success clears the previous failure.
  const error = patch.error ?? (sendState === 'sending' || sendState === 'sent' ? undefined : item.error);
  if (error !== undefined) next.error = error;
  return sameMessage(item, next) ? item : withBase(next, baseOf(item));
}

/**
 * Records the outbox's progress on a local echo. Once its remote echo has arrived, the item is the
 * server's event and this changes nothing (a late send response must not undo it). For an edit,
 * reaction or redaction echo only `eventId` matters: it stays applied until confirmed or removed.
 */
export function updateLocalEcho(timeline: RoomTimeline, txnId: string, patch: LocalEchoPatch): RoomTimeline {
  const draft = new TimelineDraft(timeline);
  const position = draft.positionOfTxn(txnId);
  if (position !== undefined) {
    const item = draft.itemAt(position);
    if (item === undefined || item.kind === 'gap' || !isPendingEcho(item)) return timeline;
    const remotePosition = patch.eventId === undefined ? undefined : draft.positionOfEvent(patch.eventId);
    const remote = remotePosition === undefined ? undefined : draft.itemAt(remotePosition);
    if (remotePosition === undefined || remotePosition === position) {
      draft.replace(position, patched(item, patch));
    } else if (remote?.kind === 'message' && remote.txnId === undefined) {
      // The remote echo came first without its transaction id (by pagination): it takes the echo's place.
      const merged: MessageItem = { ...remote, key: item.key, txnId, sendState: 'sent' };
      draft.remove(position);
      draft.replace(remotePosition, withBase(merged, baseOf(remote)));
    } else {
      // The event id belongs to some other item; keeping it off this one avoids two items for one id.
      const { eventId: _ignored, ...rest } = patch;
      draft.replace(position, patched(item, rest));
    }
    return draft.commit(item.sender);
  }
  const relation = draft.relationByTxn(txnId);
  if (relation === undefined || !isLocalEcho(relation.event)) return timeline;
  const { eventId } = patch;
  if (eventId === undefined || eventId === relation.event.event_id) return timeline;
  draft.removeRelation(relation.target, relation.event);
  // With an event id, the user's own reaction can be redacted (un-reacted) before its remote echo.
  if (draft.relationById(eventId) === undefined) {
    draft.addRelation(relation.target, { ...relation.event, event_id: eventId });
  }
  return draft.commit(relation.event.sender);
}
