/**
 * Tells the user's other tabs that the shared storage changed, so that the leader picks up entries
 * queued elsewhere and the other tabs show the leader's progress.
 */
export type OutboxMessage =
  | { readonly type: 'changed' }
  /** Sent before the receivers see the entry gone, so they can report `sent` with the event id. */
  | { readonly type: 'sent'; readonly id: string; readonly eventId: string };

export interface OutboxChannel {
  post(message: OutboxMessage): void;
  /** Messages from other tabs only, never this tab's own. */
  subscribe(listener: (message: OutboxMessage) => void): () => void;
  close(): void;
}

export type OpenOutboxChannel = (name: string) => OutboxChannel | undefined;

/** A BroadcastChannel per name when the runtime has one, else none (the tab then sees only its own changes). */
export const openBroadcastChannel: OpenOutboxChannel = (name) => {
  if (typeof globalThis.BroadcastChannel !== 'function') return undefined;
  const channel = new BroadcastChannel(name);
  return {
    post: (message) => channel.postMessage(message),
    subscribe(listener) {
      const onMessage = (event: MessageEvent<unknown>) => {
        if (isOutboxMessage(event.data)) listener(event.data);
      };
      channel.addEventListener('message', onMessage);
      return () => channel.removeEventListener('message', onMessage);
    },
    close: () => channel.close(),
  };
};

/** Another tab may run another SDK version: accept only what this one understands. */
function isOutboxMessage(value: unknown): value is OutboxMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  if (message.type === 'changed') return true;
  return message.type === 'sent' && typeof message.id === 'string' && typeof message.eventId === 'string';
}
