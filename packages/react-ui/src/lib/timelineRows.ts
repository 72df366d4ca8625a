import type { GapItem, MessageItem, StateItem, TimelineItem } from '@openmeet/chat-sdk';

/** What the timeline renders, one row each: items plus day separators and the unread divider. */
export type TimelineRow =
  | { kind: 'day'; key: string; ts: number }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; item: MessageItem; grouped: boolean }
  | { kind: 'state'; key: string; item: StateItem }
  /** The room's `m.room.create` and the setup its creator did right after, as one summary. */
  | { kind: 'creation'; key: string; create: StateItem; changes: readonly StateItem[] }
  | { kind: 'gap'; key: string; item: GapItem };

/** Consecutive messages of one sender within this span share one header (name and avatar). */
export const GROUP_WINDOW_MS = 5 * 60 * 1000;

export interface TimelineRowOptions {
  /** The fully-read marker: the "new messages" divider goes after this event. */
  readUpTo: string | undefined;
  /** Your own messages never count as new. */
  userId: string | undefined;
  /**
   * Older items may still be loaded: the oldest loaded item gets no day separator (its day may have
   * begun earlier), so the first row is an item whose key stays when older items are prepended
   * and the virtualiser can keep the view on it. Default false.
   */
  moreBefore?: boolean | undefined;
}

export function timelineRows(items: readonly TimelineItem[], options: TimelineRowOptions): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const unreadAt = unreadIndex(items, options);
  const creation = creationRun(items);
  let previous: TimelineItem | undefined;
  let previousDay: string | undefined;
  const firstDated = items.find((item) => item.kind !== 'gap');
  if (options.moreBefore && firstDated !== undefined) previousDay = new Date(firstDated.ts).toDateString();
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (item === undefined) continue;
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
    if (index === 0 && creation[0] !== undefined) {
      rows.push({
        kind: 'creation',
        key: `creation:${item.key}`,
        create: creation[0],
        changes: creation.slice(1),
      });
      // One row for the whole run (which holds no message, so no unread divider either).
      index = creation.length - 1;
      previous = items[index];
      continue;
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
  }
  return rows;
}

/**
 * The room's creation and the state changes its creator made straight after (join rules, history
 * visibility, name, topic, their own join…): from `m.room.create`, the first item once the history
 * reaches the room's beginning, up to the first message, gap, change by someone else or new day.
 * Empty when the beginning is not loaded.
 */
function creationRun(items: readonly TimelineItem[]): StateItem[] {
  const create = items[0];
  if (create?.kind !== 'state' || create.type !== 'm.room.create') return [];
  const day = new Date(create.ts).toDateString();
  const run = [create];
  for (const item of items.slice(1)) {
    if (item.kind !== 'state' || item.sender !== create.sender || new Date(item.ts).toDateString() !== day)
      break;
    run.push(item);
  }
  return run;
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
