import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatSdkError } from '../../src/ChatSdkError.js';
import { TransportSwitch, type TransportSwitchOptions } from '../../src/client/TransportSwitch.js';
import type { Transport, TransportSink } from '../../src/transport/Transport.js';

/** A transport whose sync the test drives by hand. */
function fakeTransport(kind: 'direct' | 'sse') {
  const starts: Array<string | undefined> = [];
  let sink: TransportSink | undefined;
  const transport = {
    kind,
    start: vi.fn((next: TransportSink, since?: string) => {
      sink = next;
      starts.push(since);
    }),
    stop: vi.fn(),
    retryNow: vi.fn(),
    dispose: vi.fn(),
  } as unknown as Transport & { start: ReturnType<typeof vi.fn>; stop: ReturnType<typeof vi.fn> };
  return {
    transport,
    starts,
    sync: (nextBatch: string) => sink?.onSync({ next_batch: nextBatch }, false),
    status: (...args: Parameters<TransportSink['onStatus']>) => sink?.onStatus(...args),
  };
}

const unreachable = () =>
  new ChatSdkError('CHAT_HOMESERVER_UNREACHABLE', 'sync: the homeserver could not be reached');

function setup(overrides: Partial<TransportSwitchOptions> = {}) {
  const direct = fakeTransport('direct');
  const sse = fakeTransport('sse');
  let reachable = true;
  const synced: string[] = [];
  const statuses: string[] = [];
  const transports = new TransportSwitch({
    mode: 'auto',
    transports: { direct: direct.transport, sse: sse.transport },
    probe: async () => reachable,
    probeIntervalMs: 1000,
    onSync: (response) => synced.push(response.next_batch),
    onStatus: (status) => statuses.push(status),
    ...overrides,
  });
  switches.push(transports);
  return { transports, direct, sse, synced, statuses, setReachable: (value: boolean) => (reachable = value) };
}

const switches: TransportSwitch[] = [];
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  for (const transports of switches.splice(0)) transports.stop();
  vi.useRealTimers();
});

describe('TransportSwitch', () => {
  it('starts direct when the homeserver answers, SSE when it does not', async () => {
    const up = setup();
    await up.transports.start();
    expect(up.transports.current.kind).toBe('direct');
    expect(up.sse.transport.start).not.toHaveBeenCalled();

    const down = setup();
    down.setReachable(false);
    await down.transports.start();
    expect(down.transports.current.kind).toBe('sse');
    expect(down.sse.starts).toEqual([undefined]);
    // Direct was tried beside the probe, and dropped once the probe failed.
    expect(down.direct.transport.stop).toHaveBeenCalled();
  });

  it('syncs direct without waiting for the first probe, and keeps direct once it answered', async () => {
    let answer: (reachable: boolean) => void = () => undefined;
    const slow = setup({ probe: () => new Promise<boolean>((resolve) => (answer = resolve)) });
    const started = slow.transports.start();
    expect(slow.direct.transport.start).toHaveBeenCalledTimes(1);
    // A failed attempt while the probe is out is not shown as "reconnecting".
    slow.direct.status('reconnecting', unreachable());
    expect(slow.statuses).toEqual([]);
    slow.direct.sync('s1');
    slow.direct.status('live');
    expect(slow.synced).toEqual(['s1']);
    answer(false);
    await started;
    expect(slow.transports.current.kind).toBe('direct');
    expect(slow.sse.transport.start).not.toHaveBeenCalled();
    expect(slow.statuses).toEqual(['live']);
  });

  it('honours a forced transport without probing', async () => {
    const probe = vi.fn(async () => false);
    const forced = setup({ mode: 'direct', probe });
    await forced.transports.start();
    expect(forced.transports.current.kind).toBe('direct');
    forced.direct.status('reconnecting', unreachable());
    forced.direct.status('reconnecting', unreachable());
    await vi.advanceTimersByTimeAsync(5000);
    expect(probe).not.toHaveBeenCalled();
    expect(forced.transports.current.kind).toBe('direct');
  });

  it('falls back to SSE after failed direct syncs, resuming at the last applied position', async () => {
    const { transports, direct, sse, synced, statuses, setReachable } = setup();
    await transports.start();
    direct.sync('s1');
    direct.status('live');
    setReachable(false);
    direct.status('reconnecting', unreachable());
    await vi.advanceTimersByTimeAsync(0);
    expect(transports.current.kind).toBe('direct');
    direct.status('reconnecting', unreachable());
    await vi.advanceTimersByTimeAsync(0);
    expect(transports.current.kind).toBe('sse');
    expect(direct.transport.stop).toHaveBeenCalled();
    expect(sse.starts).toEqual(['s1']);

    sse.sync('s2');
    sse.status('live');
    expect(synced).toEqual(['s1', 's2']);
    expect(statuses.at(-1)).toBe('fallback');
    // The stopped transport's late news is ignored.
    direct.sync('stale');
    expect(synced).toEqual(['s1', 's2']);
  });

  it('does not fall back while the homeserver still answers the probe (a server error, not a block)', async () => {
    const { transports, direct } = setup();
    await transports.start();
    for (let i = 0; i < 5; i++) direct.status('reconnecting', unreachable());
    await vi.advanceTimersByTimeAsync(0);
    expect(transports.current.kind).toBe('direct');
  });

  it('probes its way back to direct from SSE, at the SSE position', async () => {
    const { transports, direct, sse, setReachable } = setup();
    setReachable(false);
    await transports.start();
    sse.sync('s7');
    await vi.advanceTimersByTimeAsync(3000);
    expect(transports.current.kind).toBe('sse');
    setReachable(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(transports.current.kind).toBe('direct');
    expect(sse.transport.stop).toHaveBeenCalled();
    // The first attempt beside the start-up probe, then the return at the SSE position.
    expect(direct.starts).toEqual([undefined, 's7']);
  });

  it('stop() disposes both transports and ends the probing', async () => {
    const probe = vi.fn(async () => false);
    const { transports, direct, sse } = setup({ probe });
    await transports.start();
    const probesBefore = probe.mock.calls.length;
    transports.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(probe.mock.calls.length).toBe(probesBefore);
    expect(direct.transport.dispose).toHaveBeenCalled();
    expect(sse.transport.dispose).toHaveBeenCalled();
  });
});
