import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatSdkError } from '../../src/ChatSdkError.js';
import type { NetworkSignals } from '../../src/sync/networkSignals.js';
import { SyncLoop, type SyncLoopOptions, type SyncStatus } from '../../src/sync/SyncLoop.js';
import type { SyncResponse } from '../../src/sync/SyncResponse.js';

interface SyncParams {
  since?: string;
  timeout: number;
  filter?: string;
}

/** A homeserver whose `/sync` answers only when the test says so; an abort rejects like HomeserverApi. */
class FakeSyncApi {
  readonly requests: Array<{
    params: SyncParams;
    signal: AbortSignal | undefined;
    resolve: (response: SyncResponse) => void;
    reject: (error: unknown) => void;
  }> = [];

  readonly sync = (params: SyncParams, signal?: AbortSignal): Promise<SyncResponse> =>
    new Promise((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new ChatSdkError('CHAT_ABORTED', 'sync: aborted')));
      this.requests.push({ params, signal, resolve, reject });
    });

  get last() {
    const request = this.requests.at(-1);
    if (!request) throw new Error('no request yet');
    return request;
  }
}

class FakeNetwork implements NetworkSignals {
  online = true;
  readonly listeners = new Set<(online: boolean) => void>();
  isOnline(): boolean {
    return this.online;
  }
  subscribe(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(online: boolean): void {
    this.online = online;
    for (const listener of [...this.listeners]) listener(online);
  }
}

const flush = () => vi.advanceTimersByTimeAsync(0);

function setup(overrides: Partial<SyncLoopOptions> = {}) {
  const api = new FakeSyncApi();
  const network = new FakeNetwork();
  const statuses: Array<[SyncStatus, string | undefined]> = [];
  const onSync = vi.fn<(response: SyncResponse, initial: boolean) => void>();
  const onHandlerError = vi.fn<(error: unknown) => void>();
  const backoff = vi.fn((failures: number) => Math.min(1000 * 2 ** failures, 8000));
  const loop = new SyncLoop({
    api,
    network,
    backoff,
    onSync,
    onHandlerError,
    onStatus: (status, error) => statuses.push([status, error?.code]),
    pollTimeoutMs: 25_000,
    initialTimelineLimit: 40,
    ...overrides,
  });
  loops.push(loop);
  return { api, network, statuses, onSync, onHandlerError, backoff, loop };
}

const loops: SyncLoop[] = [];
const down = () => new ChatSdkError('CHAT_HOMESERVER_UNREACHABLE', 'sync: 502', { status: 502 });

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  for (const loop of loops.splice(0)) loop.stop();
  vi.useRealTimers();
});

describe('SyncLoop', () => {
  it('starts without since and timeout 0, then long-polls from next_batch', async () => {
    const { api, loop, onSync, statuses } = setup();
    loop.start();
    await flush();

    expect(api.requests).toHaveLength(1);
    expect(api.last.params.since).toBeUndefined();
    expect(api.last.params.timeout).toBe(0);
    expect(JSON.parse(api.last.params.filter ?? '{}')).toMatchObject({
      room: { timeline: { limit: 40 }, ephemeral: { types: ['m.typing', 'm.receipt'] } },
    });
    expect(statuses).toEqual([['connecting', undefined]]);

    const first = { next_batch: 's1' };
    api.last.resolve(first);
    await flush();
    expect(onSync).toHaveBeenLastCalledWith(first, true);
    expect(loop.position).toBe('s1');
    expect(api.requests).toHaveLength(2);
    expect(api.last.params).toMatchObject({ since: 's1', timeout: 25_000 });

    const second = { next_batch: 's2' };
    api.last.resolve(second);
    await flush();
    expect(onSync).toHaveBeenLastCalledWith(second, false);
    expect(onSync.mock.calls.map(([response]) => response)).toEqual([first, second]);
    expect(api.last.params.since).toBe('s2');
    expect(statuses).toEqual([
      ['connecting', undefined],
      ['live', undefined],
      ['live', undefined],
    ]);
  });

  it('starts the next poll only after the microtasks an answer scheduled, nested ones included', async () => {
    // A render scheduled as a microtask whose commit queues another (as mutation observers do):
    // both run before the next request is set up.
    const requestsWhenObserved: number[] = [];
    const { api, loop } = setup({
      onSync: () =>
        queueMicrotask(() => queueMicrotask(() => requestsWhenObserved.push(api.requests.length))),
    });
    loop.start();
    await flush();
    api.last.resolve({ next_batch: 's1' });
    await flush();
    expect(requestsWhenObserved).toEqual([1]);
    expect(api.requests).toHaveLength(2);
  });

  it('resumes from a given position without an initial sync: a quick catch-up, then long polls', async () => {
    const { api, loop, onSync, statuses } = setup({ since: 's9' });
    loop.start();
    await flush();
    expect(statuses[0]).toEqual(['reconnecting', undefined]);
    // Answers at once, so a resumed client (a transport switch) knows it is live without waiting.
    expect(api.last.params).toMatchObject({ since: 's9', timeout: 0 });
    api.last.resolve({ next_batch: 's10' });
    await flush();
    expect(onSync).toHaveBeenCalledWith({ next_batch: 's10' }, false);
    expect(statuses.at(-1)).toEqual(['live', undefined]);
    expect(api.last.params).toMatchObject({ since: 's10', timeout: 25_000 });
  });

  it('after a failure resumes from the same position, with growing backoff reset by a success', async () => {
    const { api, loop, onSync, statuses, backoff } = setup();
    loop.start();
    await flush();
    api.last.resolve({ next_batch: 's1' });
    await flush();

    api.last.reject(down());
    await flush();
    expect(statuses.at(-1)).toEqual(['reconnecting', 'CHAT_HOMESERVER_UNREACHABLE']);
    expect(backoff).toHaveBeenLastCalledWith(0);
    await vi.advanceTimersByTimeAsync(999);
    expect(api.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(api.requests).toHaveLength(3);
    // The retry does not wait on a long poll: it answers as soon as the server can.
    expect(api.last.params).toMatchObject({ since: 's1', timeout: 0 });

    api.last.reject(down());
    await flush();
    expect(backoff).toHaveBeenLastCalledWith(1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(api.requests).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(api.requests).toHaveLength(4);
    expect(api.last.params.since).toBe('s1');

    api.last.resolve({ next_batch: 's2' });
    await flush();
    expect(onSync.mock.calls.map(([response]) => response.next_batch)).toEqual(['s1', 's2']);
    expect(statuses.at(-1)).toEqual(['live', undefined]);
    expect(api.last.params).toMatchObject({ since: 's2', timeout: 25_000 });

    api.last.reject(down());
    await flush();
    expect(backoff).toHaveBeenLastCalledWith(0);
  });

  it('waits out a rate limit instead of backing off', async () => {
    const { api, loop, backoff } = setup();
    loop.start();
    await flush();
    api.last.reject(new ChatSdkError('CHAT_RATE_LIMITED', 'slow down', { status: 429, retryAfterMs: 7000 }));
    await flush();
    await vi.advanceTimersByTimeAsync(6999);
    expect(api.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(api.requests).toHaveLength(2);
    expect(backoff).not.toHaveBeenCalled();
  });

  it.each(['CHAT_UNAUTHORIZED', 'CHAT_FORBIDDEN'] as const)('stops with status error on %s', async (code) => {
    const { api, loop, statuses, network } = setup();
    loop.start();
    await flush();
    api.last.reject(new ChatSdkError(code, 'refused'));
    await flush();

    expect(statuses.at(-1)).toEqual(['error', code]);
    expect(network.listeners.size).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    network.set(true);
    await flush();
    expect(api.requests).toHaveLength(1);
  });

  it('going offline aborts the request in flight; going online retries at once', async () => {
    const { api, loop, statuses, network, onSync } = setup();
    loop.start();
    await flush();
    api.last.resolve({ next_batch: 's1' });
    await flush();
    const inFlight = api.last;

    network.set(false);
    await flush();
    expect(inFlight.signal?.aborted).toBe(true);
    expect(statuses.at(-1)?.[0]).toBe('offline');
    await vi.advanceTimersByTimeAsync(59_000);
    expect(api.requests).toHaveLength(2);

    network.set(true);
    await flush();
    expect(api.requests).toHaveLength(3);
    expect(api.last.params.since).toBe('s1');
    api.last.resolve({ next_batch: 's2' });
    await flush();
    expect(onSync.mock.calls.map(([response]) => response.next_batch)).toEqual(['s1', 's2']);
    expect(statuses.at(-1)?.[0]).toBe('live');
  });

  it('offline then back online before the dropped request settles: retries at once, no backoff', async () => {
    const { api, loop, network, backoff } = setup({ backoff: vi.fn(() => 30_000) });
    loop.start();
    await flush();
    api.last.resolve({ next_batch: 's1' });
    await flush();
    const inFlight = api.last;
    // Both signals arrive before the aborted request's rejection is handled.
    network.set(false);
    network.set(true);
    inFlight.reject(new ChatSdkError('CHAT_ABORTED', 'sync: aborted'));
    await flush();
    expect(backoff).not.toHaveBeenCalled();
    expect(api.requests).toHaveLength(3);
    expect(api.last.params.since).toBe('s1');
  });

  it('going online skips the backoff wait', async () => {
    const { api, loop, network } = setup({ backoff: () => 30_000 });
    loop.start();
    await flush();
    api.last.reject(down());
    await flush();
    expect(api.requests).toHaveLength(1);

    network.set(true);
    await flush();
    expect(api.requests).toHaveLength(2);
  });

  it('reports a handler error and moves past that response', async () => {
    const { api, loop, onSync, onHandlerError, statuses } = setup();
    const bug = new Error('handler bug');
    onSync.mockImplementationOnce(() => {
      throw bug;
    });
    loop.start();
    await flush();
    api.last.resolve({ next_batch: 's1' });
    await flush();

    expect(onHandlerError).toHaveBeenCalledWith(bug);
    expect(statuses.at(-1)).toEqual(['live', undefined]);
    expect(api.last.params.since).toBe('s1');
  });

  it('stop() aborts the request in flight and ends the loop', async () => {
    const { api, loop, statuses, onSync, network } = setup();
    loop.start();
    await flush();
    const inFlight = api.last;
    loop.stop();
    expect(inFlight.signal?.aborted).toBe(true);
    inFlight.resolve({ next_batch: 's1' });
    await vi.advanceTimersByTimeAsync(120_000);

    expect(api.requests).toHaveLength(1);
    expect(onSync).not.toHaveBeenCalled();
    expect(statuses).toEqual([['connecting', undefined]]);
    expect(network.listeners.size).toBe(0);
  });

  it('stop() during a backoff wait ends the loop', async () => {
    const { api, loop } = setup({ backoff: () => 5000 });
    loop.start();
    await flush();
    api.last.reject(down());
    await flush();
    loop.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(api.requests).toHaveLength(1);
  });
});
