import type { TimelineItem } from '@openmeet/chat-sdk';
import { defaultRangeExtractor, type Range, useVirtualizer } from '@tanstack/react-virtual';
import {
  type FocusEvent,
  type KeyboardEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useChatContext } from '../ChatProvider.js';
import { useRoomField } from '../hooks/useRoom.js';
import { useTimeline } from '../hooks/useTimeline.js';
import { useUserId } from '../hooks/useUserId.js';
import { type TimelineRow, timelineRows } from '../lib/timelineRows.js';
import { useIsomorphicLayoutEffect } from '../lib/useIsomorphicLayoutEffect.js';
import { imageBox } from './MediaContent.js';
import { TimelineRowView } from './TimelineRowView.js';

export interface TimelineProps {
  roomId: string;
}

/** Within this many pixels of the end counts as "at the bottom" (new messages follow). */
const BOTTOM_THRESHOLD = 48;
/** Older messages are fetched when the top is closer than this. */
const TOP_THRESHOLD = 300;

/**
 * A room's messages, virtualised. The list stays anchored where it is when older messages are
 * prepended or rows change size, follows new messages while at the bottom (else offers "jump to
 * latest"), and is one tab stop: arrows, Home and End move between messages.
 */
export function Timeline({ roomId }: TimelineProps) {
  const { client, strings } = useChatContext();
  // Fields, not the room: typing notices and receipts change the room, not what this renders.
  const roomName = useRoomField(roomId, 'name');
  const fullyRead = useRoomField(roomId, 'fullyReadEventId');
  const userId = useUserId();
  const { items, hasMore, paginating, paginateBack } = useTimeline(roomId);

  // The divider stays where the marker was when the room opened, though reading moves the marker on.
  const [readUpTo, setReadUpTo] = useState(fullyRead);
  if (readUpTo === undefined && fullyRead !== undefined) setReadUpTo(fullyRead);

  const rows = useMemo(
    () => timelineRows(items, { readUpTo, userId, moreBefore: hasMore }),
    [items, readUpTo, userId, hasMore],
  );
  const focusable = useMemo(() => rows.flatMap((row, index) => (isFocusable(row) ? [index] : [])), [rows]);
  const [activeKey, setActiveKey] = useState<string>();
  const activeFound = activeKey === undefined ? -1 : rows.findIndex((row) => row.key === activeKey);
  const activeIndex = activeFound !== -1 ? activeFound : (focusable[focusable.length - 1] ?? -1);

  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const pendingFocus = useRef<string | undefined>(undefined);
  const [atBottom, setAtBottom] = useState(true);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => estimateSize(rows[index]),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 8,
    // Before the viewport is measured (and on the server), render as if scrolled to the end of a
    // typical viewport: the newest messages are what a chat opens on.
    initialRect: { width: 360, height: 640 },
    initialOffset: () => Number.MAX_SAFE_INTEGER,
    // Keeps the first visible row where it is when rows are prepended or resized above it, and
    // follows appended rows while the view is at the end.
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: BOTTOM_THRESHOLD,
    // The row with the tab stop stays rendered, so Tab always finds the list.
    rangeExtractor: useCallback(
      (range: Range) => {
        const indexes = defaultRangeExtractor(range);
        if (activeIndex < 0 || indexes.includes(activeIndex)) return indexes;
        return [...indexes, activeIndex].sort((a, b) => a - b);
      },
      [activeIndex],
    ),
  });

  // A row above the top of the view that changes height keeps the view still, whichever way the
  // reader scrolls. virtual-core leaves re-measured rows alone while scrolling back and when they
  // span the top edge, which is just when back-pagination regroups the old first message (its
  // header goes) and the whole view would jump by that much (bench/timeline).
  virtualizer.shouldAdjustScrollPositionOnItemSizeChange = (item, _delta, instance) =>
    item.start < (instance.scrollOffset ?? 0);

  // Open at the newest messages.
  const opened = useRef(false);
  useIsomorphicLayoutEffect(() => {
    if (opened.current || rows.length === 0) return;
    opened.current = true;
    virtualizer.scrollToEnd();
  }, [rows.length, virtualizer]);

  // Your own new message brings you to the bottom wherever you were.
  const lastItem = items[items.length - 1];
  const lastKey = lastItem?.key;
  const seenLastKey = useRef(lastKey);
  useEffect(() => {
    if (lastKey === seenLastKey.current) return;
    seenLastKey.current = lastKey;
    if (lastItem?.kind === 'message' && lastItem.sender === userId && lastItem.sendState === 'sending')
      virtualizer.scrollToEnd();
  }, [lastKey, lastItem, userId, virtualizer]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    setAtBottom(element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_THRESHOLD);
    if (element.scrollTop < TOP_THRESHOLD && hasMore && !paginating) paginateBack();
  };

  // A short history does not fill the view, so no scroll would ever ask for more.
  // biome-ignore lint/correctness/useExhaustiveDependencies: rows change the content height, so check again
  useEffect(() => {
    const element = scroller.current;
    if (element && hasMore && !paginating && element.scrollHeight <= element.clientHeight) paginateBack();
  }, [hasMore, paginating, paginateBack, rows.length]);

  const visible = usePageVisible();
  const latestEventId = latestEvent(items);
  useEffect(() => {
    if (atBottom && visible && latestEventId) client.markRead(roomId, latestEventId);
  }, [atBottom, visible, latestEventId, client, roomId]);

  // Focus follows the roving tab stop once the row is rendered (it may first need scrolling to).
  useEffect(() => {
    const key = pendingFocus.current;
    if (key === undefined || !content.current) return;
    const row = Array.from(content.current.children).find(
      (child) => (child as HTMLElement).dataset.key === key,
    );
    const target = row?.firstElementChild;
    if (target instanceof HTMLElement) {
      pendingFocus.current = undefined;
      target.focus();
    }
  });

  const moveTo = (index: number | undefined) => {
    const row = index === undefined ? undefined : rows[index];
    if (index === undefined || !row) return;
    setActiveKey(row.key);
    pendingFocus.current = row.key;
    virtualizer.scrollToIndex(index, { align: 'auto' });
  };

  // A row focused by a click or by Tab takes the tab stop.
  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).parentElement;
    if (row?.dataset.key !== undefined && row.firstElementChild === event.target)
      setActiveKey(row.dataset.key);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    // Only keys pressed on a row itself: a row's buttons and menus keep their own arrows.
    if (
      !target.parentElement?.hasAttribute('data-index') ||
      target.parentElement.firstElementChild !== target
    )
      return;
    const position = focusable.indexOf(activeIndex);
    const next =
      event.key === 'ArrowUp'
        ? focusable[Math.max(position - 1, 0)]
        : event.key === 'ArrowDown'
          ? focusable[Math.min(position + 1, focusable.length - 1)]
          : event.key === 'Home'
            ? focusable[0]
            : event.key === 'End'
              ? focusable[focusable.length - 1]
              : undefined;
    if (next === undefined) return;
    event.preventDefault();
    moveTo(next);
  };

  return (
    <div className="om-timeline">
      {paginating ? (
        <div className="om-timeline__loading" role="status">
          {strings.loadingOlder}
        </div>
      ) : null}
      <div
        ref={scroller}
        className="om-timeline__scroller"
        role="log"
        aria-live="polite"
        aria-label={strings.timelineLabel(roomName ?? '')}
        aria-busy={paginating}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        onFocus={onFocus}
      >
        <div ref={content} className="om-timeline__content" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((virtual) => {
            const row = rows[virtual.index];
            if (!row) return null;
            return (
              <div
                key={row.key}
                ref={virtualizer.measureElement}
                data-index={virtual.index}
                data-key={row.key}
                className="om-timeline__row"
                style={{ transform: `translateY(${virtual.start}px)` }}
              >
                <TimelineRowView row={row} roomId={roomId} active={virtual.index === activeIndex} />
              </div>
            );
          })}
        </div>
      </div>
      {atBottom ? null : (
        <button
          type="button"
          className="om-button om-timeline__jump"
          onClick={() => virtualizer.scrollToEnd()}
        >
          {strings.jumpToLatest}
        </button>
      )}
    </div>
  );
}

function isFocusable(row: TimelineRow): boolean {
  return row.kind === 'message' || row.kind === 'state' || row.kind === 'creation' || row.kind === 'gap';
}

/** First guesses before a row is measured; images reserve their box from `info`. */
function estimateSize(row: TimelineRow | undefined): number {
  if (!row) return 48;
  if (row.kind === 'day' || row.kind === 'unread' || row.kind === 'state' || row.kind === 'creation')
    return 32;
  if (row.kind === 'gap') return 56;
  const { content } = row.item;
  const header = row.grouped ? 8 : 32;
  if (content.msgtype === 'm.image' && typeof content.info === 'object' && content.info !== null)
    return header + imageBox(content.info).height + 16;
  return header + 32;
}

/** The newest event id, what a read receipt can point at. */
function latestEvent(items: readonly TimelineItem[]): string | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item && item.kind !== 'gap' && item.eventId) return item.eventId;
  }
  return undefined;
}

/** Read receipts only for a page someone can see. */
function usePageVisible(): boolean {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const update = () => setVisible(document.visibilityState !== 'hidden');
    update();
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}
