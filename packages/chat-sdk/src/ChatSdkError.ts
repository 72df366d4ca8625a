/**
 * Stable codes: `switch (error.code)`, never match on the message.
 *
 * - `CHAT_CLOSED`: the client was closed (or the host signed out) while the action ran.
 * - `CHAT_NOT_CONNECTED`: the action needs `connect()` first.
 * - `CHAT_UNAUTHORIZED`: the broker refused the host session (sign in again).
 * - `CHAT_FORBIDDEN`: the homeserver or broker refused the action (403).
 * - `CHAT_BROKER_UNREACHABLE` / `CHAT_HOMESERVER_UNREACHABLE`: network or 5xx after retries.
 * - `CHAT_RATE_LIMITED`: 429; `retryAfterMs` says how long to wait.
 * - `CHAT_EVENT_TOO_LARGE`: over 65,536 bytes, refused locally before any request.
 * - `CHAT_ROOM_NOT_FOUND` / `CHAT_EVENT_NOT_FOUND`: unknown, or not visible to this user.
 * - `CHAT_USER_NOT_FOUND`: a DM with a host user who has never signed in to chat.
 * - `CHAT_BAD_INPUT`: the caller passed something invalid (`message` says what).
 * - `CHAT_SEND_FAILED`: the server refused a queued message for good (4xx other than 429).
 * - `CHAT_SEND_TIMEOUT`: a queued message could not be sent for 5 minutes; resend or discard it.
 * - `CHAT_UPLOAD_TOO_LARGE`: the file exceeds the homeserver's upload limit.
 * - `CHAT_ABORTED`: the caller aborted (upload, request).
 * - `CHAT_STORAGE`: the browser's storage (IndexedDB) failed.
 * - `CHAT_SERVER_ERROR`: an unexpected answer from the broker or homeserver.
 */
export type ChatSdkErrorCode =
  | 'CHAT_CLOSED'
  | 'CHAT_NOT_CONNECTED'
  | 'CHAT_UNAUTHORIZED'
  | 'CHAT_FORBIDDEN'
  | 'CHAT_BROKER_UNREACHABLE'
  | 'CHAT_HOMESERVER_UNREACHABLE'
  | 'CHAT_RATE_LIMITED'
  | 'CHAT_EVENT_TOO_LARGE'
  | 'CHAT_ROOM_NOT_FOUND'
  | 'CHAT_EVENT_NOT_FOUND'
  | 'CHAT_USER_NOT_FOUND'
  | 'CHAT_BAD_INPUT'
  | 'CHAT_SEND_FAILED'
  | 'CHAT_SEND_TIMEOUT'
  | 'CHAT_UPLOAD_TOO_LARGE'
  | 'CHAT_ABORTED'
  | 'CHAT_STORAGE'
  | 'CHAT_SERVER_ERROR';

export interface ChatSdkErrorOptions {
  cause?: unknown;
  /** From a 429's `Retry-After` or `retry_after_ms`. */
  retryAfterMs?: number;
  /** The HTTP status of the refusing server, when there was one. */
  status?: number;
  /** The Matrix `errcode` (`M_FORBIDDEN`, …) or broker code (`OM_…`) behind this error. */
  serverCode?: string;
}

export class ChatSdkError extends Error {
  override readonly name = 'ChatSdkError';
  readonly code: ChatSdkErrorCode;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  readonly serverCode: string | undefined;

  constructor(code: ChatSdkErrorCode, message: string, options: ChatSdkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
    this.serverCode = options.serverCode;
  }
}

export function isChatSdkError(value: unknown, code?: ChatSdkErrorCode): value is ChatSdkError {
  return value instanceof ChatSdkError && (code === undefined || value.code === code);
}
