import { newTxnId } from '../outbox/OutboxEntry.js';

export interface SendWarmerOptions {
  /** Has the transport preflight the send URL of `txnId` (fire and forget). */
  warm(roomId: string, txnId: string): void;
  /**
   * How long a warm-up is trusted. Browsers keep a preflight answer 5 s when the server does not
   * say (`Access-Control-Max-Age`), which Synapse does not; default 4 s.
   */
  freshMs?: number;
  now?: () => number;
}

/**
 * A browser sends a CORS preflight before each cross-origin `PUT` and caches the answer per URL, and
 * a message's URL carries its transaction id: every message would pay one more round trip before
 * it leaves. While the user types, this fixes the room's next transaction id and has the transport
 * preflight that URL (again once the last warm-up may have expired), so the send finds it cached.
 */
export class SendWarmer {
  readonly #next = new Map<string, { txnId: string; warmedAt: number }>();
  readonly #freshMs: number;
  readonly #now: () => number;

  readonly #options: SendWarmerOptions;

  constructor(options: SendWarmerOptions) {
    this.#options = options;
    this.#freshMs = options.freshMs ?? 4000;
    this.#now = options.now ?? Date.now;
  }

  /** The user is writing in `roomId`. */
  warm(roomId: string): void {
    const now = this.#now();
    const next = this.#next.get(roomId);
    if (next !== undefined && now - next.warmedAt < this.#freshMs) return;
    const txnId = next?.txnId ?? newTxnId();
    this.#next.set(roomId, { txnId, warmedAt: now });
    this.#options.warm(roomId, txnId);
  }

  /** The transaction id for the room's next message, if one was warmed; each is handed out once. */
  take(roomId: string): string | undefined {
    const next = this.#next.get(roomId);
    this.#next.delete(roomId);
    return next?.txnId;
  }

  clear(): void {
    this.#next.clear();
  }
}
