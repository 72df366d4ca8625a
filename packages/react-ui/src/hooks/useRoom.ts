import { type RoomSummary, selectRoom } from '@openmeet/chat-sdk';
import { useMemo } from 'react';
import { useChatSelector } from './useChatSelector.js';

/** One room's summary (name, kind, unread counts, typing, read-only…), undefined until it is known. */
export function useRoom(roomId: string): RoomSummary | undefined {
  return useChatSelector(useMemo(() => selectRoom(roomId), [roomId]));
}
