import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrokerSession } from '../../src/broker/BrokerApi.js';
import { ChatSdkError } from '../../src/ChatSdkError.js';
import { SessionManager, type SessionManagerOptions } from '../../src/session/SessionManager.js';
import type { TabChannel, TabLock } from '../../src/session/tabCoordination.js';

const DEVICE = 'device-key-1';
const MINUTE = 60_000;
const T0 = 1_700_000_000_000;

function session(token: string, expiresInMs: number, userId = '@me:example.org'): BrokerSession {
  return {
    userId,
    deviceId: `OMB_${DEVICE}`,
    accessToken: token,
    expiresAt: Date.now() + expiresInMs,
    homeserverUrl: 'https://matrix.example.org',
  };
}

/** Another tab, as seen through the tab channel. */
class FakeChannel implements TabChannel<BrokerSession> {
  readonly posted: BrokerSession[] = [];
  readonly listeners = new Set<(message: BrokerSession) => void>();
  closed = false;
  post(message: BrokerSession): void {
    this.posted.push(message);
  }
  subscribe(listener: (message: BrokerSession) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  close(): void {
    this.closed = true;
  }
  /** A message from another tab. */
  emit(message: BrokerSession): void {
    for (const listener of this.listeners) listener(message);
  }
}

/** A lock the test grants by hand, to stand for another tab holding it. */
class ManualLock implements TabLock {
  readonly names: string[] = [];
  private readonly waiting: Array<() => void> = [];
  run<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.names.push(name);
    return new Promise<void>((resolve) => this.waiting.push(resolve)).then(work);
  }
  grant(): void {
    this.waiting.shift()?.();
  }
}

const passThroughLock = (): TabLock & { names: string[] } => {
  const names: string[] = [];
  return {
    names,
    run: (name, work) => {
      names.push(name);
      return work();
    },
  };
};

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup(overrides: Partial<SessionManagerOptions> = {}) {
  const channel = new FakeChannel();
  const lock = passThroughLock();
  const onSession = vi.fn<(session: BrokerSession) => void>();
  const onError = vi.fn<(error: ChatSdkError) => void>();
  const brokerSession = vi.fn<(deviceKey: string, stale?: string) => Promise<BrokerSession>>();
  const manager = new SessionManager({
    broker: { session: brokerSession },
    deviceKey: DEVICE,
    channel,
    lock,
    onSession,
    onError,
    ...overrides,
  });
  managers.push(manager);
  return { manager, channel, lock, onSession, onError, brokerSession };
}

const managers: SessionManager[] = [];

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});

afterEach(() => {
  for (const manager of managers.splice(0)) manager.stop();
  vi.useRealTimers();
});

describe('SessionManager', () => {
  it('fetches the first session on get(), under the tab lock, and shares it with other tabs', async () => {
    const { manager, brokerSession, lock, channel, onSession } = setup();
    const first = session('tok-1', 10 * MINUTE);
    brokerSession.mockResolvedValueOnce(first);

    expect(manager.current()).toBeUndefined();
    await expect(manager.get()).resolves.toBe(first);
    await expect(manager.get()).resolves.toBe(first);

    expect(brokerSession).toHaveBeenCalledTimes(1);
    expect(brokerSession).toHaveBeenCalledWith(DEVICE, undefined);
    expect(lock.names).toEqual([`openmeet-chat:session:${DEVICE}`]);
    expect(channel.posted).toEqual([first]);
    expect(onSession).toHaveBeenCalledTimes(1);
    expect(onSession).toHaveBeenCalledWith(first);
  });

  it('shares one broker request among concurrent refreshes', async () => {
    const { manager, brokerSession } = setup();
    const answer = deferred<BrokerSession>();
    brokerSession.mockReturnValueOnce(answer.promise);

    const calls = [manager.get(), manager.refresh(), manager.refresh()];
    await vi.advanceTimersByTimeAsync(0);
    expect(brokerSession).toHaveBeenCalledTimes(1);

    const fresh = session('tok-1', 10 * MINUTE);
    answer.resolve(fresh);
    const results = await Promise.all(calls);
    expect(results).toEqual([fresh, fresh, fresh]);
  });

  it('runs the broker call inside the lock and adopts what the tab holding it broadcast meanwhile', async () => {
    const lock = new ManualLock();
    const { manager, brokerSession, channel } = setup({ lock });
    brokerSession.mockResolvedValueOnce(session('tok-1', 10 * MINUTE));
    const first = manager.get();
    await vi.advanceTimersByTimeAsync(0);
    expect(brokerSession).not.toHaveBeenCalled();
    lock.grant();
    await first;
    expect(brokerSession).toHaveBeenCalledTimes(1);

    // Another tab holds the lock and refreshes the refused token; we wait, then find its session.
    const refreshing = manager.refresh('tok-1');
    await vi.advanceTimersByTimeAsync(0);
    const theirs = session('tok-2', 20 * MINUTE);
    channel.emit(theirs);
    lock.grant();
    await expect(refreshing).resolves.toBe(theirs);
    expect(brokerSession).toHaveBeenCalledTimes(1);
  });

  it('refreshes before expiry by refreshBeforeMs', async () => {
    const { manager, brokerSession } = setup({ refreshBeforeMs: 30_000 });
    brokerSession.mockResolvedValueOnce(session('tok-1', 10 * MINUTE));
    await manager.get();
    brokerSession.mockResolvedValueOnce(session('tok-2', 20 * MINUTE));

    await vi.advanceTimersByTimeAsync(10 * MINUTE - 30_000 - 1);
    expect(brokerSession).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(brokerSession).toHaveBeenCalledTimes(2);
    expect(brokerSession).toHaveBeenLastCalledWith(DEVICE, undefined);
    expect(manager.current()?.accessToken).toBe('tok-2');
  });

  it('caps the refresh margin at a quarter of a short lifetime', async () => {
    const { manager, brokerSession } = setup({ refreshBeforeMs: 30_000 });
    brokerSession.mockResolvedValueOnce(session('tok-1', 40_000));
    await manager.get();
    brokerSession.mockResolvedValueOnce(session('tok-2', 10 * MINUTE));

    // Margin min(30 s, 40 s / 4) = 10 s: the refresh is due 30 s in, not 10 s in.
    await vi.advanceTimersByTimeAsync(29_999);
    expect(brokerSession).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(brokerSession).toHaveBeenCalledTimes(2);
  });

  it('answers refresh(stale) with the current session when another caller replaced that token', async () => {
    const { manager, brokerSession } = setup();
    brokerSession.mockResolvedValueOnce(session('tok-1', 10 * MINUTE));
    await manager.get();
    brokerSession.mockResolvedValueOnce(session('tok-2', 10 * MINUTE));
    const replaced = await manager.refresh('tok-1');
    expect(brokerSession).toHaveBeenLastCalledWith(DEVICE, 'tok-1');

    await expect(manager.refresh('tok-1')).resolves.toBe(replaced);
    expect(brokerSession).toHaveBeenCalledTimes(2);
  });

  it('does not spin when the broker answers the same token again', async () => {
    const { manager, brokerSession, onSession } = setup({ refreshBeforeMs: 30_000 });
    const same = session('tok-1', 10 * MINUTE);
    brokerSession.mockResolvedValue(same);
    await manager.get();

    await vi.advanceTimersByTimeAsync(10 * MINUTE - 30_000);
    expect(brokerSession).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(brokerSession).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(brokerSession).toHaveBeenCalledTimes(3);
    expect(onSession).toHaveBeenCalledTimes(1);
  });

  it('does not hammer the broker when it keeps answering a token that expired by our clock', async () => {
    const { manager, brokerSession } = setup({ refreshBeforeMs: 30_000 });
    const same = session('tok-1', 20_000);
    // Our clock runs ahead of the broker's: it keeps handing out this token for a while yet.
    brokerSession.mockImplementation(async () =>
      brokerSession.mock.calls.length > 200 ? session('tok-2', 10 * MINUTE) : same,
    );
    await manager.get();

    await vi.advanceTimersByTimeAsync(30_000);
    // One call a second at most once the token is due, not one per tick.
    expect(brokerSession.mock.calls.length).toBeLessThanOrEqual(20);
  });

  it('reports errors and retries with backoff, resetting it after a success', async () => {
    const backoff = vi.fn((failures: number) => 1000 * 2 ** failures);
    const { manager, brokerSession, onError } = setup({ backoff });
    const down = new ChatSdkError('CHAT_BROKER_UNREACHABLE', 'down', { status: 502 });
    brokerSession.mockRejectedValueOnce(down).mockRejectedValueOnce(down);

    await expect(manager.get()).rejects.toBe(down);
    expect(onError).toHaveBeenCalledWith(down);
    expect(backoff).toHaveBeenLastCalledWith(0);

    await vi.advanceTimersByTimeAsync(999);
    expect(brokerSession).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(brokerSession).toHaveBeenCalledTimes(2);
    expect(backoff).toHaveBeenLastCalledWith(1);

    brokerSession.mockResolvedValueOnce(session('tok-1', 10 * MINUTE));
    await vi.advanceTimersByTimeAsync(1999);
    expect(brokerSession).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(brokerSession).toHaveBeenCalledTimes(3);
    expect(manager.current()?.accessToken).toBe('tok-1');

    brokerSession.mockRejectedValueOnce(down);
    await expect(manager.refresh('tok-1')).rejects.toBe(down);
    expect(backoff).toHaveBeenLastCalledWith(0);
  });

  it('waits a rate limit out instead of backing off', async () => {
    const backoff = vi.fn(() => 1000);
    const { manager, brokerSession } = setup({ backoff });
    brokerSession.mockRejectedValueOnce(
      new ChatSdkError('CHAT_RATE_LIMITED', 'slow down', { status: 429, retryAfterMs: 7000 }),
    );
    await expect(manager.get()).rejects.toMatchObject({ code: 'CHAT_RATE_LIMITED' });
    brokerSession.mockResolvedValueOnce(session('tok-1', 10 * MINUTE));

    await vi.advanceTimersByTimeAsync(6999);
    expect(brokerSession).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(brokerSession).toHaveBeenCalledTimes(2);
    expect(backoff).not.toHaveBeenCalled();
  });

  it('wraps a failure that is not a ChatSdkError as CHAT_BROKER_UNREACHABLE', async () => {
    const { manager, brokerSession, onError } = setup();
    const cause = new TypeError('fetch failed');
    brokerSession.mockRejectedValueOnce(cause);
    const error = await manager.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatSdkError);
    expect(error).toMatchObject({ code: 'CHAT_BROKER_UNREACHABLE', cause });
    expect(onError).toHaveBeenCalledWith(error);
  });

  it.each(['CHAT_UNAUTHORIZED', 'CHAT_FORBIDDEN'] as const)('does not retry after %s', async (code) => {
    const { manager, brokerSession, onError } = setup();
    brokerSession.mockRejectedValue(new ChatSdkError(code, 'no'));
    await expect(manager.get()).rejects.toMatchObject({ code });
    expect(onError).toHaveBeenCalledTimes(1);

    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(brokerSession).toHaveBeenCalledTimes(1);
  });

  it('adopts a later session another tab broadcast, and reschedules from it', async () => {
    const { manager, brokerSession, channel, onSession } = setup({ refreshBeforeMs: 30_000 });
    brokerSession.mockResolvedValueOnce(session('tok-1', 10 * MINUTE));
    await manager.get();

    const theirs = session('tok-2', 20 * MINUTE);
    channel.emit(theirs);
    expect(manager.current()).toBe(theirs);
    expect(onSession).toHaveBeenLastCalledWith(theirs);
    expect(channel.posted).toHaveLength(1);

    // The first token's refresh time passes without a broker call: the adopted one is good longer.
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(brokerSession).toHaveBeenCalledTimes(1);
    await expect(manager.get()).resolves.toBe(theirs);
  });

  it("ignores another user's session and an older one", async () => {
    const { manager, brokerSession, channel, onSession } = setup();
    const mine = session('tok-1', 10 * MINUTE);
    brokerSession.mockResolvedValueOnce(mine);
    await manager.get();

    channel.emit(session('tok-x', 20 * MINUTE, '@someone-else:example.org'));
    channel.emit(session('tok-old', 5 * MINUTE));
    expect(manager.current()).toBe(mine);
    expect(onSession).toHaveBeenCalledTimes(1);
  });

  it('stop() clears timers, leaves the channel and rejects later refreshes with CHAT_CLOSED', async () => {
    const { manager, brokerSession, channel, onSession } = setup();
    brokerSession.mockResolvedValue(session('tok-1', 10 * MINUTE));
    await manager.get();

    manager.stop();
    expect(channel.closed).toBe(true);
    expect(channel.listeners.size).toBe(0);
    await vi.advanceTimersByTimeAsync(20 * MINUTE);
    expect(brokerSession).toHaveBeenCalledTimes(1);
    await expect(manager.refresh()).rejects.toMatchObject({ code: 'CHAT_CLOSED' });
    await expect(manager.get()).rejects.toMatchObject({ code: 'CHAT_CLOSED' });
    expect(onSession).toHaveBeenCalledTimes(1);
  });

  it('stop() also cancels a pending retry', async () => {
    const { manager, brokerSession } = setup({ backoff: () => 1000 });
    brokerSession.mockRejectedValue(new ChatSdkError('CHAT_BROKER_UNREACHABLE', 'down'));
    await expect(manager.get()).rejects.toMatchObject({ code: 'CHAT_BROKER_UNREACHABLE' });
    manager.stop();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(brokerSession).toHaveBeenCalledTimes(1);
  });
});
