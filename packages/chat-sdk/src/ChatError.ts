/** Stable codes: `switch (err.code)`, never match on the message. */
export type ChatErrorCode =
  | 'CHAT_NOT_CONNECTED'
  | 'CHAT_BROKER_UNREACHABLE'
  | 'CHAT_UNAUTHORIZED'
  | 'CHAT_RATE_LIMITED'
  | 'CHAT_EVENT_TOO_LARGE'
  | 'CHAT_ROOM_NOT_FOUND';

export class ChatError extends Error {
  override readonly name = 'ChatError';
  readonly code: ChatErrorCode;
  /** Present when the server asked us to wait (429 `Retry-After` / `retry_after_ms`). */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ChatErrorCode,
    message: string,
    options: { cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isChatError(value: unknown): value is ChatError {
  return value instanceof ChatError;
}
