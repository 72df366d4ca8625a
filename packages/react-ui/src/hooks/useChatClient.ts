import type { ChatClient } from '@openmeet/chat-sdk';
import { useChatContext } from '../ChatProvider.js';

/** The `ChatClient` given to `<ChatProvider>`, for actions (`sendMessage`, `react`, …). */
export function useChatClient(): ChatClient {
  return useChatContext().client;
}
