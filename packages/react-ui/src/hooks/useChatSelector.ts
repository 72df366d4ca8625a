import type { ChatState } from '@openmeet/chat-sdk';
import { useSyncExternalStore } from 'react';
import { useChatContext } from '../ChatProvider.js';

/**
 * Reads a slice of the client's store. `selector` must be stable (memoise it on its arguments) and
 * return the same object while its input is unchanged, as the SDK's selectors do: the component then
 * renders only when its slice changes. The server snapshot is the same state, so SSR renders what
 * the store holds without touching the DOM.
 */
export function useChatSelector<T>(selector: (state: ChatState) => T): T {
  const { store } = useChatContext().client;
  const read = () => selector(store.getState());
  return useSyncExternalStore(store.subscribe, read, read);
}
