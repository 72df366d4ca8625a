import type { ChatSdkErrorCode } from '../ChatSdkError.js';

/**
 * - `queued`: waiting for its turn (or for a backoff / rate-limit wait to end).
 * - `sending`: a request is in flight. Found in storage at start-up it means the tab that sent it
 *   died; it is sent again with the same txnId and the server answers with the same event.
 * - `failed`: the server refused it for good (`error` says why); the room's queue went on without it.
 * - `unsent`: not sent within the send timeout; its room pauses until `resend` or `discard`.
 */
export type OutboxEntryState = 'queued' | 'sending' | 'failed' | 'unsent';

export type OutboxEntryKind = 'event' | 'redaction';

export interface OutboxEntryError {
  readonly code: ChatSdkErrorCode;
  readonly message: string;
  readonly status?: number;
  readonly serverCode?: string;
}

/** What a caller queues: a room event (message, reaction, edit) or a redaction. */
export interface OutboxInput {
  readonly roomId: string;
  readonly kind: OutboxEntryKind;
  readonly eventType: string;
  readonly content: Record<string, unknown>;
  /** The redacted event's id; required when `kind` is `redaction`. */
  readonly redacts?: string;
  /**
   * A transaction id made earlier with `newTxnId()` and not used yet (the client fixes the next
   * message's id while the user types, to warm up its request). Default: a new one.
   */
  readonly txnId?: string;
}

/** A fresh transaction id: unique per event, so the server dedupes retries of one send and nothing else. */
export function newTxnId(): string {
  return `om.${crypto.randomUUID()}`;
}

/** Whether `value` has the shape `newTxnId` gives. */
export function isTxnId(value: string): boolean {
  return /^om\.[0-9a-f-]{36}$/.test(value);
}

/**
 * One queued request. Entries are immutable snapshots: every change replaces the object.
 * Removed from storage as soon as the server accepted it.
 */
export interface OutboxEntry extends OutboxInput {
  /** Equal to `txnId`, which is generated once and never changes (the server dedupes on it). */
  readonly id: string;
  readonly userId: string;
  readonly txnId: string;
  /** Order within the room; monotonically increasing. */
  readonly seq: number;
  readonly createdAt: number;
  /** When the current send window started: `createdAt`, or the last `resend`. */
  readonly queuedAt: number;
  readonly state: OutboxEntryState;
  /** Requests made in the current send window. */
  readonly attempts: number;
  /** Not before this time (backoff or the server's `retry_after_ms`). */
  readonly nextAttemptAt?: number;
  readonly error?: OutboxEntryError;
}

export type OutboxChangeType = 'queued' | 'state' | 'sent' | 'removed';

export interface OutboxChange {
  readonly type: OutboxChangeType;
  readonly entry: OutboxEntry;
  /** Set on `sent`. */
  readonly eventId?: string;
}

/** Per-room order; ties (entries queued in two tabs in the same millisecond) break on createdAt, then id. */
export function compareEntries(a: OutboxEntry, b: OutboxEntry): number {
  return a.seq - b.seq || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
