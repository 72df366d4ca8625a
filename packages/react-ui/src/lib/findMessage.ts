import type { MessageItem, TimelineItem } from '@openmeet/chat-sdk';

type Items = readonly TimelineItem[] | undefined;

/** The loaded message with this event id (searching from the newest, where replies usually point). */
export function findMessage(items: Items, eventId: string): MessageItem | undefined {
  if (!items) return undefined;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item?.kind === 'message' && item.eventId === eventId) return item;
  }
  return undefined;
}

/** The newest message of `userId` that can still be edited (sent, not deleted). */
export function lastOwnMessage(items: Items, userId: string | undefined): MessageItem | undefined {
  if (!items || !userId) return undefined;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item?.kind === 'message' && isEditable(item, userId)) return item;
  }
  return undefined;
}

/** Whether `userId` can edit this message: their own, sent, not deleted, with a text body. */
export function isEditable(item: MessageItem, userId: string | undefined): boolean {
  const msgtype = item.content.msgtype;
  return (
    item.sender === userId &&
    item.eventId !== undefined &&
    !item.redacted &&
    typeof item.content.body === 'string' &&
    (msgtype === 'm.text' || msgtype === 'm.emote')
  );
}
