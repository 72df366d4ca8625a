import type { MessageItem, ReactionGroup, StateItem } from './types.js';

/** Equal content, compared through entries: keys come from other users, so no `object[key]`. */
export function sameRecord(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (a === b) return true;
  const entries = Object.entries(a);
  const other = new Map(Object.entries(b));
  return (
    entries.length === other.size &&
    entries.every(([key, value]) => other.get(key) === value && other.has(key))
  );
}

function sameReactions(a: readonly ReactionGroup[], b: readonly ReactionGroup[]): boolean {
  return (
    a.length === b.length &&
    a.every((group, i) => {
      const other = b[i];
      return (
        other !== undefined &&
        group.key === other.key &&
        group.count === other.count &&
        group.ownEventId === other.ownEventId &&
        group.senders.length === other.senders.length &&
        group.senders.every((sender, j) => other.senders[j] === sender)
      );
    })
  );
}

/** Whether two derivations of a message show the same thing (so the older object can be kept). */
export function sameMessage(a: MessageItem, b: MessageItem): boolean {
  return (
    a.key === b.key &&
    a.eventId === b.eventId &&
    a.txnId === b.txnId &&
    a.sender === b.sender &&
    a.ts === b.ts &&
    a.type === b.type &&
    a.sendState === b.sendState &&
    a.error?.code === b.error?.code &&
    a.error?.message === b.error?.message &&
    a.replyTo === b.replyTo &&
    a.original === b.original &&
    a.edit?.eventId === b.edit?.eventId &&
    a.edit?.ts === b.edit?.ts &&
    (a.redacted === undefined) === (b.redacted === undefined) &&
    a.redacted?.by === b.redacted?.by &&
    a.redacted?.reason === b.redacted?.reason &&
    a.redacted?.ts === b.redacted?.ts &&
    sameRecord(a.content, b.content) &&
    sameReactions(a.reactions, b.reactions)
  );
}

export function sameState(a: StateItem, b: StateItem): boolean {
  return a.key === b.key && a.eventId === b.eventId && sameRecord(a.content, b.content);
}
