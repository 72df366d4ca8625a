export interface TypingNotifierOptions {
  renewMs?: number;
  timeoutMs?: number;
  /** The longest a "stopped" notice waits for a message (`stopAfter`). Default 3 s. */
  maxHoldMs?: number;
  now?: () => number;
}

/**
 * Typing notices, throttled: "typing" at most every `renewMs` while the user keeps typing (each
 * notice lasts `timeoutMs` on the server), "stopped" once, when they stop, send or leave the field.
 *
 * "Stopped" goes out on the next task rather than at once, and when a message is sent in the same
 * turn (`stopAfter`), only once that message is out: sent together, the notice reaches the
 * homeserver first and wakes every member's sync just before the message does, so each of them
 * has to ask again (a new long-poll, and a new CORS preflight in browsers) while the message is on
 * its way.
 */
export class TypingNotifier {
  readonly #typingSince = new Map<string, number>();
  /** "Stopped" notices not sent yet, with when the user started typing (they may resume). */
  readonly #pendingStops = new Map<string, { since: number; cancel(): void }>();

  readonly #send: (roomId: string, typing: boolean, timeoutMs: number) => Promise<unknown>;
  readonly #options: TypingNotifierOptions;

  constructor(
    send: (roomId: string, typing: boolean, timeoutMs: number) => Promise<unknown>,
    options: TypingNotifierOptions = {},
  ) {
    this.#send = send;
    this.#options = options;
  }

  set(roomId: string, typing: boolean): void {
    if (typing) {
      // Typing again before "stopped" went out: the server still shows them typing.
      const pending = this.#takePendingStop(roomId);
      if (pending !== undefined) this.#typingSince.set(roomId, pending);
      const now = (this.#options.now ?? Date.now)();
      const since = this.#typingSince.get(roomId);
      if (since !== undefined && now - since < (this.#options.renewMs ?? 20_000)) return;
      this.#typingSince.set(roomId, now);
      this.#notify(roomId, true);
      return;
    }
    const since = this.#typingSince.get(roomId);
    if (since === undefined) return;
    this.#typingSince.delete(roomId);
    const timer = setTimeout(() => {
      this.#pendingStops.delete(roomId);
      this.#notify(roomId, false);
    }, 0);
    this.#pendingStops.set(roomId, { since, cancel: () => clearTimeout(timer) });
  }

  /**
   * A message for `roomId` is on its way: the "stopped" notice (due now, or pending from `set`)
   * waits until `sent` settles, `maxHoldMs` at most. Nothing happens when the user was not typing.
   */
  stopAfter(roomId: string, sent: Promise<unknown>): void {
    const since = this.#takePendingStop(roomId) ?? this.#typingSince.get(roomId);
    if (since === undefined) return;
    this.#typingSince.delete(roomId);
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      clearTimeout(timer);
      this.#pendingStops.delete(roomId);
      this.#notify(roomId, false);
    };
    const timer = setTimeout(release, this.#options.maxHoldMs ?? 3000);
    this.#pendingStops.set(roomId, {
      since,
      cancel: () => {
        held = false;
        clearTimeout(timer);
      },
    });
    sent.then(release, release);
  }

  clear(): void {
    for (const pending of this.#pendingStops.values()) pending.cancel();
    this.#pendingStops.clear();
    this.#typingSince.clear();
  }

  /** Cancels the room's unsent "stopped" notice; returns when that typing began. */
  #takePendingStop(roomId: string): number | undefined {
    const pending = this.#pendingStops.get(roomId);
    if (!pending) return undefined;
    pending.cancel();
    this.#pendingStops.delete(roomId);
    return pending.since;
  }

  #notify(roomId: string, typing: boolean): void {
    // A lost typing notice is harmless: it expires on the server.
    this.#send(roomId, typing, this.#options.timeoutMs ?? 30_000).catch(() => {});
  }
}
