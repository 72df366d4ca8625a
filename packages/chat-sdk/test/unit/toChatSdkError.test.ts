import { describe, expect, it } from 'vitest';
import { ChatSdkError } from '../../src/ChatSdkError.js';
import { toChatSdkError } from '../../src/matrix/toChatSdkError.js';

/** The shape of matrix-js-sdk's `MatrixError`. */
function matrixError(
  httpStatus: number,
  errcode?: string,
  extra: { retry_after_ms?: unknown; header?: () => number | null } = {},
) {
  return Object.assign(new Error(`${errcode}: refused`), {
    name: 'MatrixError',
    httpStatus,
    errcode,
    data: {
      errcode,
      error: 'The server refused',
      ...(extra.retry_after_ms === undefined ? {} : { retry_after_ms: extra.retry_after_ms }),
    },
    getRetryAfterMs: extra.header ?? (() => null),
  });
}

describe('toChatSdkError', () => {
  it.each([
    [429, 'M_LIMIT_EXCEEDED', 'CHAT_RATE_LIMITED'],
    [400, 'M_LIMIT_EXCEEDED', 'CHAT_RATE_LIMITED'],
    [413, 'M_TOO_LARGE', 'CHAT_EVENT_TOO_LARGE'],
    [401, 'M_UNKNOWN_TOKEN', 'CHAT_UNAUTHORIZED'],
    [401, 'M_MISSING_TOKEN', 'CHAT_UNAUTHORIZED'],
    [404, 'M_NOT_FOUND', 'CHAT_EVENT_NOT_FOUND'],
    [404, 'M_UNKNOWN', 'CHAT_ROOM_NOT_FOUND'],
    [403, 'M_FORBIDDEN', 'CHAT_FORBIDDEN'],
    [502, undefined, 'CHAT_HOMESERVER_UNREACHABLE'],
    [400, 'M_BAD_JSON', 'CHAT_BAD_INPUT'],
    [409, 'M_UNKNOWN', 'CHAT_SERVER_ERROR'],
  ])('maps %i %s to %s, keeping status and errcode', (status, errcode, code) => {
    const cause = matrixError(status, errcode);
    const error = toChatSdkError(cause, 'send');
    expect(error).toBeInstanceOf(ChatSdkError);
    expect(error).toMatchObject({ code, status, serverCode: errcode, cause });
    expect(error.message).toBe('send: The server refused');
  });

  it('takes the wait from the Retry-After header first, then retry_after_ms', () => {
    const fromHeader = toChatSdkError(
      matrixError(429, 'M_LIMIT_EXCEEDED', { retry_after_ms: 9000, header: () => 2000 }),
      'sync',
    );
    expect(fromHeader.retryAfterMs).toBe(2000);
    const fromBody = toChatSdkError(matrixError(429, 'M_LIMIT_EXCEEDED', { retry_after_ms: 9000 }), 'sync');
    expect(fromBody.retryAfterMs).toBe(9000);
  });

  it('falls back to the body when the Retry-After header is malformed', () => {
    const error = toChatSdkError(
      matrixError(429, 'M_LIMIT_EXCEEDED', {
        retry_after_ms: 1500,
        header: () => {
          throw new Error('bad header');
        },
      }),
      'sync',
    );
    expect(error.retryAfterMs).toBe(1500);
  });

  it('ignores a wait that is not a non-negative number', () => {
    expect(
      toChatSdkError(matrixError(429, 'M_LIMIT_EXCEEDED', { retry_after_ms: '5000' }), 'x').retryAfterMs,
    ).toBeUndefined();
    expect(
      toChatSdkError(matrixError(429, 'M_LIMIT_EXCEEDED', { retry_after_ms: -1 }), 'x').retryAfterMs,
    ).toBeUndefined();
  });

  it('turns errors without a status (ConnectionError, fetch TypeError) into CHAT_HOMESERVER_UNREACHABLE', () => {
    const connection = Object.assign(new Error('fetch failed'), { name: 'ConnectionError' });
    expect(toChatSdkError(connection, 'sync')).toMatchObject({
      code: 'CHAT_HOMESERVER_UNREACHABLE',
      cause: connection,
      status: undefined,
    });
    expect(toChatSdkError(new TypeError('fetch failed'), 'sync').code).toBe('CHAT_HOMESERVER_UNREACHABLE');
    expect(toChatSdkError('a string', 'sync').code).toBe('CHAT_HOMESERVER_UNREACHABLE');
    expect(toChatSdkError(null, 'sync').code).toBe('CHAT_HOMESERVER_UNREACHABLE');
  });

  it('turns an abort into CHAT_ABORTED', () => {
    expect(toChatSdkError(new DOMException('aborted', 'AbortError'), 'upload').code).toBe('CHAT_ABORTED');
    expect(toChatSdkError(Object.assign(new Error('x'), { name: 'AbortError' }), 'upload').code).toBe(
      'CHAT_ABORTED',
    );
  });

  it('passes a ChatSdkError through unchanged', () => {
    const original = new ChatSdkError('CHAT_CLOSED', 'closed');
    expect(toChatSdkError(original, 'send')).toBe(original);
  });

  it('uses the HTTP status when there is no error text', () => {
    const bare = { httpStatus: 500 };
    expect(toChatSdkError(bare, 'send').message).toBe('send: HTTP 500');
  });
});
