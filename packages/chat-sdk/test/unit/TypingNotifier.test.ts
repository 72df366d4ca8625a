import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypingNotifier } from '../../src/client/TypingNotifier.js';

function setup(options: { renewMs?: number; timeoutMs?: number; maxHoldMs?: number } = {}) {
  let time = 1_000_000;
  const send = vi.fn(async (_roomId: string, _typing: boolean, _timeoutMs: number): Promise<unknown> => ({}));
  const notifier = new TypingNotifier(send, { ...options, now: () => time });
  return {
    send,
    notifier,
    advance(ms: number) {
      time += ms;
    },
    notices: () => send.mock.calls.map(([roomId, typing]) => [roomId, typing]),
  };
}

/** Settles promise callbacks and due timers (the "stopped" notice goes out on the next task). */
const nextTask = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

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

  it('sends "stopped" once, on the next task, and only after "typing"', async () => {
    const { send, notifier } = setup();
    notifier.set('!a:x', false);
    await nextTask();
    expect(send).not.toHaveBeenCalled();
    notifier.set('!a:x', true);
    notifier.set('!a:x', false);
    notifier.set('!a:x', false);
    expect(send.mock.calls.map(([, typing]) => typing)).toEqual([true]);
    await nextTask();
    expect(send.mock.calls.map(([, typing]) => typing)).toEqual([true, false]);
    // Typing again right after stopping is news.
    notifier.set('!a:x', true);
    expect(send).toHaveBeenCalledTimes(3);
  });

  it('sends nothing when typing resumes before "stopped" went out', async () => {
    const { send, notifier } = setup({ renewMs: 20_000 });
    notifier.set('!a:x', true);
    notifier.set('!a:x', false);
    notifier.set('!a:x', true);
    await nextTask();
    expect(send.mock.calls.map(([, typing]) => typing)).toEqual([true]);
  });

  it('keeps rooms apart', async () => {
    const { notifier, notices } = setup();
    notifier.set('!a:x', true);
    notifier.set('!b:x', true);
    notifier.set('!a:x', false);
    await nextTask();
    expect(notices()).toEqual([
      ['!a:x', true],
      ['!b:x', true],
      ['!a:x', false],
    ]);
  });

  it('clear() forgets who was typing, and drops a "stopped" not sent yet', async () => {
    const { send, notifier } = setup();
    notifier.set('!a:x', true);
    notifier.set('!a:x', false);
    notifier.clear();
    notifier.set('!a:x', false);
    await nextTask();
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('swallows a failed notice', async () => {
    vi.useRealTimers();
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

describe('TypingNotifier.stopAfter (a message is being sent)', () => {
  it('holds "stopped" until the message is out, including one that set() already scheduled', async () => {
    const { notifier, notices } = setup();
    let out: () => void = () => {};
    notifier.set('!a:x', true);
    // The composer stops typing, then sends, in the same turn.
    notifier.set('!a:x', false);
    notifier.stopAfter(
      '!a:x',
      new Promise<void>((resolve) => {
        out = resolve;
      }),
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(notices()).toEqual([['!a:x', true]]);
    out();
    await nextTask();
    expect(notices()).toEqual([
      ['!a:x', true],
      ['!a:x', false],
    ]);
  });

  it('sends "stopped" after maxHoldMs when the message is not out by then, and once only', async () => {
    const { notifier, notices } = setup({ maxHoldMs: 3000 });
    let out: () => void = () => {};
    notifier.set('!a:x', true);
    notifier.stopAfter(
      '!a:x',
      new Promise<void>((resolve) => {
        out = resolve;
      }),
    );
    await vi.advanceTimersByTimeAsync(2999);
    expect(notices()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    out();
    await nextTask();
    expect(notices()).toEqual([
      ['!a:x', true],
      ['!a:x', false],
    ]);
  });

  it('also releases "stopped" when the send fails', async () => {
    const { notifier, notices } = setup();
    notifier.set('!a:x', true);
    notifier.stopAfter('!a:x', Promise.reject(new Error('refused')));
    await nextTask();
    expect(notices().at(-1)).toEqual(['!a:x', false]);
  });

  it('does nothing when the user was not typing', async () => {
    const { send, notifier } = setup();
    notifier.stopAfter('!a:x', Promise.resolve());
    await vi.advanceTimersByTimeAsync(5000);
    expect(send).not.toHaveBeenCalled();
  });

  it('drops the held "stopped" when typing resumes before the message is out', async () => {
    const { notifier, notices } = setup({ renewMs: 20_000 });
    let out: () => void = () => {};
    notifier.set('!a:x', true);
    notifier.stopAfter(
      '!a:x',
      new Promise<void>((resolve) => {
        out = resolve;
      }),
    );
    notifier.set('!a:x', true);
    out();
    await vi.advanceTimersByTimeAsync(5000);
    expect(notices()).toEqual([['!a:x', true]]);
  });
});
