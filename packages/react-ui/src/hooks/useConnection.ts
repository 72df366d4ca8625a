import { type ConnectionState, selectConnection } from '@openmeet/chat-sdk';
import { useChatSelector } from './useChatSelector.js';

/** The connection: `status`, `transport`, `error` and the number of `queued` messages. */
export function useConnection(): ConnectionState {
  return useChatSelector(selectConnection);
}
