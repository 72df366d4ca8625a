/**
 * Cross-tab coordination, feature-detected: the Web Locks API serialises work that must happen
 * once for all tabs of an origin (a token refresh); where it is missing (old browsers, Node, SSR)
 * each tab runs on its own, which is correct, only less economical.
 */
export interface TabLock {
  run<T>(name: string, work: () => Promise<T>): Promise<T>;
}

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export function browserTabLock(): TabLock {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  if (!locks || typeof locks.request !== 'function') return { run: (_name, work) => work() };
  return { run: (name, work) => locks.request(name, work) };
}

/** A same-origin message channel between tabs, or a no-op where `BroadcastChannel` is missing. */
export interface TabChannel<T> {
  post(message: T): void;
  subscribe(listener: (message: T) => void): () => void;
  close(): void;
}

export function browserTabChannel<T>(name: string): TabChannel<T> {
  if (typeof globalThis.BroadcastChannel !== 'function') {
    return { post() {}, subscribe: () => () => {}, close() {} };
  }
  const channel = new BroadcastChannel(name);
  const listeners = new Set<(message: T) => void>();
  channel.onmessage = (event: MessageEvent<T>) => {
    for (const listener of listeners) listener(event.data);
  };
  // Node keeps the process alive while a channel is open; a tab does not care.
  (channel as { unref?: () => void }).unref?.();
  return {
    post: (message) => channel.postMessage(message),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => channel.close(),
  };
}
