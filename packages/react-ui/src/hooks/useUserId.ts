import type { ChatState } from '@openmeet/chat-sdk';
import { useChatSelector } from './useChatSelector.js';

const selectUserId = (state: ChatState) => state.userId;

/** The signed-in Matrix user id, once a session exists. */
export function useUserId(): string | undefined {
  return useChatSelector(selectUserId);
}
