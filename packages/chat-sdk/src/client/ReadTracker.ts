/**
 * Read receipts and the fully-read marker, debounced per room: scrolling through fifty messages
 * sends one request for the last one, not fifty.
 */
export class ReadTracker {
  readonly #pending = new Map<string, { eventId: string; timer: ReturnType<typeof setTimeout> }>();
  readonly #sent = new Map<string, string>();

  readonly #send: (roomId: string, eventId: string) => Promise<unknown>;
  readonly #options: { delayMs?: number; onError?: (error: unknown) => void };

  constructor(
    send: (roomId: string, eventId: string) => Promise<unknown>,
    options: { delayMs?: number; onError?: (error: unknown) => void } = {},
  ) {
    this.#send = send;
    this.#options = options;
  }

  /** Marks the room read up to `eventId` (a later call for the same room replaces it). */
  markRead(roomId: string, eventId: string): void {
    if (this.#sent.get(roomId) === eventId) return;
    const current = this.#pending.get(roomId);
    if (current) clearTimeout(current.timer);
    const timer = setTimeout(() => this.#flush(roomId), this.#options.delayMs ?? 500);
    (timer as { unref?: () => void }).unref?.();
    this.#pending.set(roomId, { eventId, timer });
  }

  /** Sends what is pending now (e.g. before the page hides). */
  flushAll(): Promise<unknown> {
    return Promise.all([...this.#pending.keys()].map((roomId) => this.#flush(roomId)));
  }

  dispose(): void {
    for (const { timer } of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
  }

  async #flush(roomId: string): Promise<void> {
    const pending = this.#pending.get(roomId);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending.delete(roomId);
    try {
      await this.#send(roomId, pending.eventId);
      this.#sent.set(roomId, pending.eventId);
    } catch (error) {
      this.#options.onError?.(error);
    }
  }
}
