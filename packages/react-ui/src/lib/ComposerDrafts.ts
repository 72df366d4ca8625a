/** What the composer of one room holds. */
export interface ComposerDraft {
  text: string;
  /** The event this message will reply to. */
  replyTo?: string;
  /** The own message being edited; `text` is its new body. */
  editing?: string;
  /** The draft from before an edit started, restored when the edit ends. */
  stashed?: string;
  /** Bumped when the composer should take focus (after "Reply" or "Edit" in a message's menu). */
  focusRequest?: number;
}

const EMPTY: ComposerDraft = Object.freeze({ text: '' });

/**
 * Drafts by room, outside React state so the message actions (reply, edit) and the composer share
 * them without re-rendering every message on each keystroke, and a draft survives switching rooms.
 * Read with `useSyncExternalStore`.
 */
export class ComposerDrafts {
  readonly #drafts = new Map<string, ComposerDraft>();
  readonly #listeners = new Set<() => void>();

  get(roomId: string): ComposerDraft {
    return this.#drafts.get(roomId) ?? EMPTY;
  }

  update(roomId: string, change: (draft: ComposerDraft) => ComposerDraft): void {
    const before = this.get(roomId);
    const after = change(before);
    if (after === before) return;
    this.#drafts.set(roomId, after);
    for (const listener of this.#listeners) listener();
  }

  setReplyTo(roomId: string, eventId: string | undefined): void {
    this.update(roomId, ({ replyTo: _, ...rest }) =>
      eventId ? { ...rest, replyTo: eventId, focusRequest: (rest.focusRequest ?? 0) + 1 } : rest,
    );
  }

  /** Puts `body` (the message's current text) in the composer, keeping the draft it replaces. */
  startEdit(roomId: string, eventId: string, body: string): void {
    this.update(roomId, (current) => ({
      text: body,
      editing: eventId,
      stashed: current.editing ? (current.stashed ?? '') : current.text,
      focusRequest: (current.focusRequest ?? 0) + 1,
    }));
  }

  /** Ends replying and editing; an edit gives the earlier draft back. */
  cancel(roomId: string): void {
    this.update(roomId, ({ replyTo, editing, stashed, ...rest }) =>
      editing ? { ...rest, text: stashed ?? '' } : replyTo ? rest : this.get(roomId),
    );
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };
}
