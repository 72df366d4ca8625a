import { type ChatState, type RoomSummary, selectRoom } from '@openmeet/chat-sdk';
import { useMemo } from 'react';
import { useChatSelector } from './useChatSelector.js';

/** One room's summary (name, kind, unread counts, typing, read-only…), undefined until it is known. */
export function useRoom(roomId: string): RoomSummary | undefined {
  return useChatSelector(useMemo(() => selectRoom(roomId), [roomId]));
}

/**
 * One field of a room's summary: the component renders when that field changes, not on every
 * typing notice, receipt or count of the room.
 */
export function useRoomField<K extends keyof RoomSummary>(
  roomId: string,
  field: K,
): RoomSummary[K] | undefined {
  return useChatSelector(useMemo(() => (state: ChatState) => state.rooms[roomId]?.[field], [roomId, field]));
}
