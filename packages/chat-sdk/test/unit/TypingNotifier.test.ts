import { describe, expect, it, vi } from 'vitest';
import { TypingNotifier } from '../../src/client/TypingNotifier.js';

function setup(options: { renewMs?: number; timeoutMs?: number } = {}) {
  let time = 1_000_000;
  const send = vi.fn(async (_roomId: string, _typing: boolean, _timeoutMs: number): Promise<unknown> => ({}));
  const notifier = new TypingNotifier(send, { ...options, now: () => time });
  return {
    send,
    notifier,
    advance(ms: number) {
      time += ms;
    },
  };
}

describe('TypingNotifier', () => {
  it('sends "typing" once per renewal period while the user keeps typing', () => {
    const { send, notifier, advance } = setup({ renewMs: 20_000, timeoutMs: 30_000 });
    notifier.set('!a:x', true);
    advance(19_999);
    notifier.set('!a:x', true);
    expect(send.mock.calls).toEqual([['!a:x', true, 30_000]]);
    advance(1);
    notifier.set('!a:x', true);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('sends "stopped" once, and only after "typing"', () => {
    const { send, notifier } = setup();
    notifier.set('!a:x', false);
    expect(send).not.toHaveBeenCalled();
    notifier.set('!a:x', true);
    notifier.set('!a:x', false);
    notifier.set('!a:x', false);
    expect(send.mock.calls.map(([, typing]) => typing)).toEqual([true, false]);
    // Typing again right after stopping is news.
    notifier.set('!a:x', true);
    expect(send).toHaveBeenCalledTimes(3);
  });

  it('keeps rooms apart', () => {
    const { send, notifier } = setup();
    notifier.set('!a:x', true);
    notifier.set('!b:x', true);
    notifier.set('!a:x', false);
    expect(send.mock.calls.map(([roomId, typing]) => [roomId, typing])).toEqual([
      ['!a:x', true],
      ['!b:x', true],
      ['!a:x', false],
    ]);
  });

  it('clear() forgets who was typing', () => {
    const { send, notifier } = setup();
    notifier.set('!a:x', true);
    notifier.clear();
    notifier.set('!a:x', false);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('swallows a failed notice', async () => {
    // A plain function: a vi.fn would observe the rejection itself and hide an unhandled one.
    let sent = 0;
    const notifier = new TypingNotifier(() => {
      sent++;
      return Promise.reject(new Error('offline'));
    });
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      notifier.set('!a:x', true);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(sent).toBe(1);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
