import type { ChatState, Member } from '@openmeet/chat-sdk';
import { useCallback } from 'react';
import { useChatSelector } from './useChatSelector.js';

const NO_MEMBERS: Readonly<Record<string, Member>> = Object.freeze({});

/** All loaded members of a room (for widgets that name several users at once). */
export function useRoomMembers(roomId: string): Readonly<Record<string, Member>> {
  return useChatSelector(useCallback((state: ChatState) => state.members[roomId] ?? NO_MEMBERS, [roomId]));
}
