/**
 * Typing notices, throttled: "typing" at most every `renewMs` while the user keeps typing (each
 * notice lasts `timeoutMs` on the server), "stopped" once, when they stop, send or leave the field.
 */
export class TypingNotifier {
  private readonly typingSince = new Map<string, number>();

  constructor(
    private readonly send: (roomId: string, typing: boolean, timeoutMs: number) => Promise<unknown>,
    private readonly options: { renewMs?: number; timeoutMs?: number; now?: () => number } = {},
  ) {}

  set(roomId: string, typing: boolean): void {
    const now = (this.options.now ?? Date.now)();
    const since = this.typingSince.get(roomId);
    if (typing) {
      if (since !== undefined && now - since < (this.options.renewMs ?? 20_000)) return;
      this.typingSince.set(roomId, now);
    } else {
      if (since === undefined) return;
      this.typingSince.delete(roomId);
    }
    // A lost typing notice is harmless: it expires on the server.
    this.send(roomId, typing, this.options.timeoutMs ?? 30_000).catch(() => {});
  }

  clear(): void {
    this.typingSince.clear();
  }
}
