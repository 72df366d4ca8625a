import { describe, expect, it } from 'vitest';
import { ChatSdkError, isChatSdkError } from '../src/index.js';

describe('ChatSdkError', () => {
  it('carries a stable code and the server details', () => {
    const error = new ChatSdkError('CHAT_RATE_LIMITED', 'Slow down', {
      retryAfterMs: 1500,
      status: 429,
      serverCode: 'M_LIMIT_EXCEEDED',
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ChatSdkError', code: 'CHAT_RATE_LIMITED', retryAfterMs: 1500 });
    expect(isChatSdkError(error)).toBe(true);
    expect(isChatSdkError(error, 'CHAT_RATE_LIMITED')).toBe(true);
    expect(isChatSdkError(error, 'CHAT_CLOSED')).toBe(false);
    expect(isChatSdkError(new Error('x'))).toBe(false);
  });
});
