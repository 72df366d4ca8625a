import { selectTimeline, type TimelineItem } from '@openmeet/chat-sdk';
import { useCallback, useMemo } from 'react';
import { useChatContext } from '../ChatProvider.js';
import { useChatSelector } from './useChatSelector.js';

export interface TimelineView {
  /** Oldest first. */
  items: readonly TimelineItem[];
  /** False once the beginning of the room is loaded. */
  hasMore: boolean;
  /** True while older messages are being fetched. */
  paginating: boolean;
  /** Loads older messages; does nothing while a request is in flight or at the beginning. */
  paginateBack: () => void;
}

/** A room's timeline and back-pagination. */
export function useTimeline(roomId: string): TimelineView {
  const { client } = useChatContext();
  const timeline = useChatSelector(useMemo(() => selectTimeline(roomId), [roomId]));
  const hasMore = timeline.backToken !== null;
  const paginateBack = useCallback(() => {
    const current = selectTimeline(roomId)(client.store.getState());
    if (current.paginating || current.backToken === null) return;
    // Failures surface through the connection state; a later scroll retries.
    client.paginateBack(roomId).catch(() => {});
  }, [client, roomId]);
  return useMemo(
    () => ({ items: timeline.items, hasMore, paginating: timeline.paginating, paginateBack }),
    [timeline.items, hasMore, timeline.paginating, paginateBack],
  );
}
