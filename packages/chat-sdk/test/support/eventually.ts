import type { ChatClient, MessageItem } from '../../src/index.js';
import { selectTimeline } from '../../src/index.js';

/** Retries `check` until it stops throwing (sync is asynchronous), then returns its value. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export function messages(client: ChatClient, roomId: string): MessageItem[] {
  return selectTimeline(roomId)(client.store.getState()).items.filter(
    (item): item is MessageItem => item.kind === 'message',
  );
}
