import { type Member, selectMember } from '@openmeet/chat-sdk';
import { useMemo } from 'react';
import { useChatSelector } from './useChatSelector.js';

/** A room member (display name, avatar, power level), undefined until loaded. */
export function useMember(roomId: string, userId: string): Member | undefined {
  return useChatSelector(useMemo(() => selectMember(roomId, userId), [roomId, userId]));
}
