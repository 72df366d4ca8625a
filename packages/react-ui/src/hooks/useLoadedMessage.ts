import type { ChatState, MessageItem } from '@openmeet/chat-sdk';
import { useMemo } from 'react';
import { findMessage } from '../lib/findMessage.js';
import { useChatSelector } from './useChatSelector.js';

/** A message of the room's loaded timeline by event id (a reply's target), undefined when not loaded. */
export function useLoadedMessage(roomId: string, eventId: string | undefined): MessageItem | undefined {
  return useChatSelector(useMemo(() => selectLoadedMessage(roomId, eventId), [roomId, eventId]));
}

function selectLoadedMessage(roomId: string, eventId: string | undefined) {
  // The search runs again only when the room's items change.
  let lastItems: ChatState['timelines'][string]['items'] | undefined;
  let last: MessageItem | undefined;
  return (state: ChatState): MessageItem | undefined => {
    const items = state.timelines[roomId]?.items;
    if (items !== lastItems) {
      lastItems = items;
      last = eventId === undefined ? undefined : findMessage(items, eventId);
    }
    return last;
  };
}
