import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadTracker } from '../../src/client/ReadTracker.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setup() {
  const send = vi.fn(async (_roomId: string, _eventId: string): Promise<unknown> => ({}));
  const onError = vi.fn();
  const tracker = new ReadTracker(send, { delayMs: 500, onError });
  return { send, onError, tracker };
}

describe('ReadTracker', () => {
  it('sends only the last event marked in a room within the delay', async () => {
    const { send, tracker } = setup();
    tracker.markRead('!a:x', '$1');
    await vi.advanceTimersByTimeAsync(300);
    tracker.markRead('!a:x', '$2');
    await vi.advanceTimersByTimeAsync(499);
    expect(send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(send.mock.calls).toEqual([['!a:x', '$2']]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('debounces each room on its own', async () => {
    const { send, tracker } = setup();
    tracker.markRead('!a:x', '$a');
    tracker.markRead('!b:x', '$b');
    await vi.advanceTimersByTimeAsync(500);
    expect(send.mock.calls).toEqual([
      ['!a:x', '$a'],
      ['!b:x', '$b'],
    ]);
  });

  it('does not send the event it last sent again', async () => {
    const { send, tracker } = setup();
    tracker.markRead('!a:x', '$1');
    await vi.advanceTimersByTimeAsync(500);
    tracker.markRead('!a:x', '$1');
    await vi.advanceTimersByTimeAsync(500);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('flushAll() sends what is pending at once, and not again later', async () => {
    const { send, tracker } = setup();
    tracker.markRead('!a:x', '$a');
    tracker.markRead('!b:x', '$b');
    await tracker.flushAll();
    expect(send).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('reports a failure and lets the same event be marked again', async () => {
    const { send, onError, tracker } = setup();
    const failure = new Error('offline');
    send.mockRejectedValueOnce(failure);
    tracker.markRead('!a:x', '$1');
    await vi.advanceTimersByTimeAsync(500);
    expect(onError).toHaveBeenCalledWith(failure);

    tracker.markRead('!a:x', '$1');
    await vi.advanceTimersByTimeAsync(500);
    expect(send).toHaveBeenCalledTimes(2);
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('dispose() drops what is pending', async () => {
    const { send, tracker } = setup();
    tracker.markRead('!a:x', '$1');
    tracker.dispose();
    await vi.advanceTimersByTimeAsync(1000);
    await tracker.flushAll();
    expect(send).not.toHaveBeenCalled();
  });
});
