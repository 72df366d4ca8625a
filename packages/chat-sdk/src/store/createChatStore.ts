import { createStore, type StoreApi } from 'zustand/vanilla';
import { type ChatState, initialChatState } from './ChatState.js';

export type ChatStore = StoreApi<ChatState>;

/** The SDK's one store: framework-agnostic (`getState`/`subscribe`), React reads it through hooks. */
export function createChatStore(): ChatStore {
  return createStore<ChatState>()(() => initialChatState());
}
