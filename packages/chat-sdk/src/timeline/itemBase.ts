import type { Redaction } from './readEvent.js';
import type { MessageItem, StateItem } from './types.js';

/**
 * What an item is derived from besides its relations: the content before edits and redactions.
 * Items do not carry it (a redacted item shows `{}`), yet it is needed to undo an optimistic
 * redaction, so it lives beside the item, keyed by the item object.
 */
export interface ItemBase {
  content: Record<string, unknown>;
  /** Set when the event arrived already redacted (`unsigned.redacted_because`). */
  redactedBecause?: Redaction;
  /** A local echo whose remote echo has not arrived yet. */
  local: boolean;
}

const bases = new WeakMap<MessageItem | StateItem, ItemBase>();

export function withBase<T extends MessageItem | StateItem>(item: T, base: ItemBase): T {
  bases.set(item, base);
  return item;
}

/**
 * The base of an item. Items this module did not build (restored from storage, say) get one
 * recovered from what they show; a redaction they show then stays, even an optimistic one.
 */
export function baseOf(item: MessageItem | StateItem): ItemBase {
  const known = bases.get(item);
  if (known !== undefined) return known;
  if (item.kind === 'state') return { content: item.content, local: false };
  const base: ItemBase = {
    content: item.original ?? item.content,
    local: item.txnId !== undefined && item.sendState !== 'sent',
  };
  if (item.redacted !== undefined) base.redactedBecause = item.redacted;
  bases.set(item, base);
  return base;
}

export function isPendingEcho(item: MessageItem | StateItem): item is MessageItem {
  return item.kind === 'message' && item.txnId !== undefined && baseOf(item).local;
}
