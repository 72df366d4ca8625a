/**
 * Decides which tab drains a user's outbox: the tabs share one IndexedDB and must not send the same
 * entries in parallel. `acquire` calls `onAcquired` once this tab leads, which may be never; the
 * returned function gives leadership up (or stops waiting for it).
 */
export interface OutboxLeadership {
  acquire(name: string, onAcquired: () => void): () => void;
}

/** The part of the Web Locks API (`navigator.locks`) used here. */
export interface LockRequester {
  request(name: string, options: { signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

/** Every caller leads at once: for one-tab setups and browsers without Web Locks. */
export const alwaysLeader: OutboxLeadership = Object.freeze({
  acquire(_name: string, onAcquired: () => void): () => void {
    let released = false;
    queueMicrotask(() => {
      if (!released) onAcquired();
    });
    return () => {
      released = true;
    };
  },
});

/**
 * Leadership through an exclusive Web Lock held until released. The browser hands the lock to the
 * next waiting tab when the leader releases it or its tab closes or crashes, so there is always at
 * most one leader and, while any tab is open, exactly one.
 */
export function webLocksLeadership(locks: LockRequester): OutboxLeadership {
  return {
    acquire(name, onAcquired) {
      const waiting = new AbortController();
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let released = false;
      locks
        .request(name, { signal: waiting.signal }, async () => {
          if (released) return;
          onAcquired();
          await held;
        })
        // Rejects with an AbortError when released before the lock was granted: nothing to do.
        .catch(() => undefined);
      return () => {
        released = true;
        waiting.abort();
        release();
      };
    },
  };
}

/** Web Locks when the browser has them, else every tab leads (the server's txnId dedupe keeps that safe). */
export function defaultOutboxLeadership(): OutboxLeadership {
  const locks = (globalThis.navigator as { locks?: LockRequester } | undefined)?.locks;
  return locks === undefined ? alwaysLeader : webLocksLeadership(locks);
}
