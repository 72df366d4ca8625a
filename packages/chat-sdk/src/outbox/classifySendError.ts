import { type ChatSdkErrorCode, isChatSdkError } from '../ChatSdkError.js';

export type SendErrorClass =
  /** Try again: after `afterMs` when the server said so, else after the policy's backoff. */
  | { readonly action: 'retry'; readonly afterMs?: number; readonly rateLimited: boolean }
  /** The server refused for good; the entry becomes `failed` with this code. */
  | { readonly action: 'fail'; readonly code: 'CHAT_SEND_FAILED' | 'CHAT_EVENT_TOO_LARGE' };

/** Codes that mean "refused for good" when the sender had no HTTP status to report. */
const PERMANENT_CODES: ReadonlySet<ChatSdkErrorCode> = new Set<ChatSdkErrorCode>([
  'CHAT_FORBIDDEN',
  'CHAT_ROOM_NOT_FOUND',
  'CHAT_EVENT_NOT_FOUND',
  'CHAT_BAD_INPUT',
  'CHAT_SEND_FAILED',
  'CHAT_EVENT_TOO_LARGE',
  'CHAT_UPLOAD_TOO_LARGE',
]);

/**
 * Decides what a sender's failure means for a queued entry, following the Matrix spec's advice
 * (retry network errors and 5xx with backoff, honour 429's `retry_after_ms`, do not retry other 4xx).
 *
 * | sender threw                                   | result                                  |
 * | ---------------------------------------------- | --------------------------------------- |
 * | not a ChatSdkError (fetch TypeError, …)         | retry with backoff (network)            |
 * | status 429, or `CHAT_RATE_LIMITED`             | retry after `retryAfterMs`, else backoff |
 * | status ≥ 500, 408, or any non-4xx status        | retry with backoff                      |
 * | status 401                                     | retry with backoff: the client refreshes the token meanwhile; a lost session ends in logout and `clear()` |
 * | status 413, `M_TOO_LARGE`, `CHAT_EVENT_TOO_LARGE` | fail with `CHAT_EVENT_TOO_LARGE`      |
 * | any other 4xx                                  | fail with `CHAT_SEND_FAILED`            |
 * | no status, a code in `PERMANENT_CODES`         | fail with `CHAT_SEND_FAILED`            |
 * | no status, any other code (unreachable, server error, not connected, …) | retry with backoff |
 *
 * A `retryAfterMs` is honoured on every retry, not only on 429.
 */
export function classifySendError(error: unknown): SendErrorClass {
  if (!isChatSdkError(error)) return { action: 'retry', rateLimited: false };
  const { status, code, serverCode, retryAfterMs } = error;
  const retry = (rateLimited: boolean): SendErrorClass =>
    retryAfterMs === undefined
      ? { action: 'retry', rateLimited }
      : { action: 'retry', afterMs: retryAfterMs, rateLimited };

  if (status === 429 || code === 'CHAT_RATE_LIMITED') return retry(true);
  if (status === 413 || serverCode === 'M_TOO_LARGE' || code === 'CHAT_EVENT_TOO_LARGE') {
    return { action: 'fail', code: 'CHAT_EVENT_TOO_LARGE' };
  }
  if (status !== undefined) {
    const permanent = status >= 400 && status < 500 && status !== 401 && status !== 408;
    return permanent ? { action: 'fail', code: 'CHAT_SEND_FAILED' } : retry(false);
  }
  return PERMANENT_CODES.has(code) ? { action: 'fail', code: 'CHAT_SEND_FAILED' } : retry(false);
}
