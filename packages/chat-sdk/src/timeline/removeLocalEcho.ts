import { isPendingEcho } from './itemBase.js';
import { isLocalEcho } from './readEvent.js';
import { TimelineDraft } from './TimelineDraft.js';
import type { RoomTimeline } from './types.js';

/**
 * Discards a local echo (the user gave up on it): the item goes, or the edit, reaction or
 * redaction it applied is undone. What the server already confirmed stays.
 */
export function removeLocalEcho(timeline: RoomTimeline, txnId: string): RoomTimeline {
  const draft = new TimelineDraft(timeline);
  const position = draft.positionOfTxn(txnId);
  if (position !== undefined) {
    const item = draft.itemAt(position);
    if (item === undefined || item.kind === 'gap' || !isPendingEcho(item)) return timeline;
    draft.remove(position);
    return draft.commit(item.sender);
  }
  const relation = draft.relationByTxn(txnId);
  if (relation === undefined || !isLocalEcho(relation.event)) return timeline;
  draft.removeRelation(relation.target, relation.event);
  return draft.commit(relation.event.sender);
}
