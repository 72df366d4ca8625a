import { type RoomSummary, selectRoomList } from '@openmeet/chat-sdk';
import { useChatSelector } from './useChatSelector.js';

/** Joined and invited rooms, invites first, then by most recent activity. */
export function useRoomList(): readonly RoomSummary[] {
  return useChatSelector(selectRoomList);
}
