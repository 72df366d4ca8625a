import { selectTypingUsers } from '@openmeet/chat-sdk';
import { useCallback, useMemo } from 'react';
import { useChatContext } from '../ChatProvider.js';
import { useChatSelector } from './useChatSelector.js';

export interface TypingView {
  /** User ids typing now, yourself excluded. */
  users: readonly string[];
  /** Tell the room whether you are typing (the client throttles the notices). */
  setTyping: (typing: boolean) => void;
}

export function useTyping(roomId: string): TypingView {
  const { client } = useChatContext();
  const users = useChatSelector(useMemo(() => selectTypingUsers(roomId), [roomId]));
  const setTyping = useCallback((typing: boolean) => client.setTyping(roomId, typing), [client, roomId]);
  return useMemo(() => ({ users, setTyping }), [users, setTyping]);
}
