import type { GapItem, MessageItem, StateItem, TimelineItem } from '@openmeet/chat-sdk';

/** What the timeline renders, one row each: items plus day separators and the unread divider. */
export type TimelineRow =
  | { kind: 'day'; key: string; ts: number }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; item: MessageItem; grouped: boolean }
  | { kind: 'state'; key: string; item: StateItem }
  | { kind: 'gap'; key: string; item: GapItem };

/** Consecutive messages of one sender within this span share one header (name and avatar). */
export const GROUP_WINDOW_MS = 5 * 60 * 1000;

export interface TimelineRowOptions {
  /** The fully-read marker: the "new messages" divider goes after this event. */
  readUpTo: string | undefined;
  /** Your own messages never count as new. */
  userId: string | undefined;
}

export function timelineRows(items: readonly TimelineItem[], options: TimelineRowOptions): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const unreadAt = unreadIndex(items, options);
  let previous: TimelineItem | undefined;
  let previousDay: string | undefined;
  items.forEach((item, index) => {
    let separated = false;
    if (item.kind !== 'gap') {
      const day = new Date(item.ts).toDateString();
      if (day !== previousDay) {
        rows.push({ kind: 'day', key: `day:${day}:${item.key}`, ts: item.ts });
        previousDay = day;
        separated = true;
      }
    }
    if (index === unreadAt) {
      rows.push({ kind: 'unread', key: 'unread' });
      separated = true;
    }
    if (item.kind === 'message') {
      const grouped =
        !separated &&
        previous?.kind === 'message' &&
        previous.sender === item.sender &&
        !isNotice(previous) &&
        !isNotice(item) &&
        item.ts - previous.ts <= GROUP_WINDOW_MS;
      rows.push({ kind: 'message', key: item.key, item, grouped });
    } else if (item.kind === 'state') {
      rows.push({ kind: 'state', key: item.key, item });
    } else {
      rows.push({ kind: 'gap', key: item.key, item });
    }
    previous = item;
  });
  return rows;
}

/** Index of the first item after the marker that someone else sent; -1 when all is read. */
function unreadIndex(items: readonly TimelineItem[], { readUpTo, userId }: TimelineRowOptions): number {
  if (!readUpTo) return -1;
  const marker = items.findIndex((item) => item.kind !== 'gap' && item.eventId === readUpTo);
  if (marker === -1) return -1;
  for (let i = marker + 1; i < items.length; i++) {
    const item = items[i];
    if (item?.kind === 'message' && item.sender !== userId) return i;
  }
  return -1;
}

export function isNotice(item: MessageItem): boolean {
  return item.content.msgtype === 'm.notice' || typeof item.content['org.openmeet.notice'] === 'object';
}
