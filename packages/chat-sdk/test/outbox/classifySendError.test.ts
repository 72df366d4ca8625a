import { describe, expect, it } from 'vitest';
import { ChatSdkError, type ChatSdkErrorCode, type ChatSdkErrorOptions } from '../../src/ChatSdkError.js';
import { classifySendError } from '../../src/outbox/classifySendError.js';

const sdkError = (code: ChatSdkErrorCode, options: ChatSdkErrorOptions = {}) =>
  new ChatSdkError(code, code, options);

describe('classifySendError', () => {
  it.each([
    ['a network TypeError', new TypeError('fetch failed'), { action: 'retry', rateLimited: false }],
    ['a non-error value', 'boom', { action: 'retry', rateLimited: false }],
    [
      '429 with retryAfterMs',
      sdkError('CHAT_RATE_LIMITED', { status: 429, retryAfterMs: 2500, serverCode: 'M_LIMIT_EXCEEDED' }),
      { action: 'retry', afterMs: 2500, rateLimited: true },
    ],
    [
      '429 without retryAfterMs',
      sdkError('CHAT_RATE_LIMITED', { status: 429 }),
      { action: 'retry', rateLimited: true },
    ],
    [
      'CHAT_RATE_LIMITED without a status',
      sdkError('CHAT_RATE_LIMITED'),
      { action: 'retry', rateLimited: true },
    ],
    ['500', sdkError('CHAT_SERVER_ERROR', { status: 500 }), { action: 'retry', rateLimited: false }],
    [
      '503 with retryAfterMs',
      sdkError('CHAT_SERVER_ERROR', { status: 503, retryAfterMs: 800 }),
      { action: 'retry', afterMs: 800, rateLimited: false },
    ],
    ['408', sdkError('CHAT_SERVER_ERROR', { status: 408 }), { action: 'retry', rateLimited: false }],
    [
      '401 (token being refreshed)',
      sdkError('CHAT_UNAUTHORIZED', { status: 401 }),
      { action: 'retry', rateLimited: false },
    ],
    [
      'unreachable homeserver',
      sdkError('CHAT_HOMESERVER_UNREACHABLE'),
      { action: 'retry', rateLimited: false },
    ],
    ['not connected yet', sdkError('CHAT_NOT_CONNECTED'), { action: 'retry', rateLimited: false }],
    [
      '403',
      sdkError('CHAT_FORBIDDEN', { status: 403, serverCode: 'M_FORBIDDEN' }),
      { action: 'fail', code: 'CHAT_SEND_FAILED' },
    ],
    [
      '400',
      sdkError('CHAT_SERVER_ERROR', { status: 400, serverCode: 'M_BAD_JSON' }),
      { action: 'fail', code: 'CHAT_SEND_FAILED' },
    ],
    ['404', sdkError('CHAT_ROOM_NOT_FOUND', { status: 404 }), { action: 'fail', code: 'CHAT_SEND_FAILED' }],
    ['413', sdkError('CHAT_SERVER_ERROR', { status: 413 }), { action: 'fail', code: 'CHAT_EVENT_TOO_LARGE' }],
    [
      'M_TOO_LARGE on a 400',
      sdkError('CHAT_SERVER_ERROR', { status: 400, serverCode: 'M_TOO_LARGE' }),
      { action: 'fail', code: 'CHAT_EVENT_TOO_LARGE' },
    ],
    [
      'CHAT_FORBIDDEN without a status',
      sdkError('CHAT_FORBIDDEN'),
      { action: 'fail', code: 'CHAT_SEND_FAILED' },
    ],
    [
      'CHAT_BAD_INPUT without a status',
      sdkError('CHAT_BAD_INPUT'),
      { action: 'fail', code: 'CHAT_SEND_FAILED' },
    ],
  ])('%s', (_name, error, expected) => {
    expect(classifySendError(error)).toEqual(expected);
  });
});
