import { ChatSdkError, type ChatSdkErrorCode, isChatSdkError } from '../ChatSdkError.js';

/** The parts of matrix-js-sdk's `MatrixError`/`HTTPError` read here (duck-typed: the SDK is lazy-loaded). */
interface HttpErrorLike {
  name?: string;
  message?: string;
  httpStatus?: number;
  errcode?: string;
  data?: { retry_after_ms?: unknown; error?: unknown };
  getRetryAfterMs?: () => number | null;
}

/**
 * Turns whatever a homeserver call threw into a `ChatSdkError`: Matrix errors keep their errcode
 * and status, 429s their wait, and network failures (matrix-js-sdk's `ConnectionError`, a fetch
 * `TypeError`) become `CHAT_HOMESERVER_UNREACHABLE`.
 */
export function toChatSdkError(error: unknown, what: string): ChatSdkError {
  if (isChatSdkError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as HttpErrorLike;
  if (e.name === 'AbortError' || (error instanceof DOMException && error.name === 'AbortError')) {
    return new ChatSdkError('CHAT_ABORTED', `${what}: aborted`, { cause: error });
  }
  const status = typeof e.httpStatus === 'number' ? e.httpStatus : undefined;
  if (status === undefined) {
    return new ChatSdkError('CHAT_HOMESERVER_UNREACHABLE', `${what}: the homeserver could not be reached`, {
      cause: error,
    });
  }
  const errcode = typeof e.errcode === 'string' ? e.errcode : undefined;
  const retryAfterMs = retryAfter(e);
  const detail = typeof e.data?.error === 'string' ? e.data.error : (e.message ?? '');
  return new ChatSdkError(codeFor(status, errcode), `${what}: ${detail || `HTTP ${status}`}`, {
    cause: error,
    status,
    ...(errcode === undefined ? {} : { serverCode: errcode }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function codeFor(status: number, errcode: string | undefined): ChatSdkErrorCode {
  if (status === 429 || errcode === 'M_LIMIT_EXCEEDED') return 'CHAT_RATE_LIMITED';
  // Uploads map this to CHAT_UPLOAD_TOO_LARGE themselves.
  if (errcode === 'M_TOO_LARGE' || status === 413) return 'CHAT_EVENT_TOO_LARGE';
  if (errcode === 'M_UNKNOWN_TOKEN' || errcode === 'M_MISSING_TOKEN') return 'CHAT_UNAUTHORIZED';
  if (status === 404) return errcode === 'M_NOT_FOUND' ? 'CHAT_EVENT_NOT_FOUND' : 'CHAT_ROOM_NOT_FOUND';
  if (status === 403) return 'CHAT_FORBIDDEN';
  if (status >= 500) return 'CHAT_HOMESERVER_UNREACHABLE';
  if (status === 400) return 'CHAT_BAD_INPUT';
  return 'CHAT_SERVER_ERROR';
}

function retryAfter(e: HttpErrorLike): number | undefined {
  try {
    const fromHeader = e.getRetryAfterMs?.();
    if (typeof fromHeader === 'number' && fromHeader >= 0) return fromHeader;
  } catch {
    // A malformed Retry-After header: fall back to the body.
  }
  const fromBody = e.data?.retry_after_ms;
  return typeof fromBody === 'number' && fromBody >= 0 ? fromBody : undefined;
}
