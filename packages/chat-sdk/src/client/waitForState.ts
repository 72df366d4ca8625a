import { ChatSdkError } from '../ChatSdkError.js';
import type { ChatState } from '../store/ChatState.js';
import type { ChatStore } from '../store/createChatStore.js';

/**
 * Resolves with the first non-undefined value `pick` returns from the store, now or after a later
 * update; rejects after `timeoutMs` with `error`, or when `signal` aborts.
 */
export function waitForState<T>(
  store: ChatStore,
  pick: (state: ChatState) => T | undefined,
  options: { timeoutMs: number; error: () => ChatSdkError; signal?: AbortSignal },
): Promise<T> {
  const now = pick(store.getState());
  if (now !== undefined) return Promise.resolve(now);
  return new Promise<T>((resolve, reject) => {
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      unsubscribe();
      options.signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = () => finish(() => reject(new ChatSdkError('CHAT_CLOSED', 'The chat client was closed')));
    const timer = setTimeout(() => finish(() => reject(options.error())), options.timeoutMs);
    const unsubscribe = store.subscribe((state) => {
      const value = pick(state);
      if (value !== undefined) finish(() => resolve(value));
    });
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
