import { selectReadReceipts } from '@openmeet/chat-sdk';
import { useMemo } from 'react';
import { useChatSelector } from './useChatSelector.js';

/** Users (yourself excluded) whose newest read receipt is at `eventId`. */
export function useReceipts(roomId: string, eventId: string): readonly string[] {
  return useChatSelector(useMemo(() => selectReadReceipts(roomId, eventId), [roomId, eventId]));
}
