import { describe, expect, it } from 'vitest';
import { ChatError, isChatError } from '../src/index.js';

describe('ChatError', () => {
  it('carries a stable code and the retry delay', () => {
    const err = new ChatError('CHAT_RATE_LIMITED', 'slow down', { retryAfterMs: 1500 });
    expect(err).toBeInstanceOf(Error);
    expect(isChatError(err)).toBe(true);
    expect(err.code).toBe('CHAT_RATE_LIMITED');
    expect(err.retryAfterMs).toBe(1500);
    expect(err.name).toBe('ChatError');
  });

  it('keeps the cause and rejects look-alikes', () => {
    const cause = new TypeError('fetch failed');
    const err = new ChatError('CHAT_BROKER_UNREACHABLE', 'broker unreachable', { cause });
    expect(err.cause).toBe(cause);
    expect(isChatError({ code: 'CHAT_RATE_LIMITED', message: 'x' })).toBe(false);
  });
});
