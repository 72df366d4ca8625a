import type { Duplex } from 'node:stream';
import { BrokerError } from '../errors.js';
import type { SynapseClient } from '../synapse/SynapseClient.js';
import type { SseCursor } from './SseCursor.js';
import type { SseGrant, SseSessions } from './SseSessions.js';
import { SseStream, type StreamStart } from './SseStream.js';
import type { StreamLease, StreamLeases } from './StreamLeases.js';
import type { SyncBatches } from './SyncBatches.js';
import { type StopReason, UserSync, type UserSyncOptions } from './UserSync.js';

export interface SseHubOptions {
  synapse: SynapseClient;
  sessions: SseSessions;
  batches: SyncBatches;
  cursor: SseCursor;
  /** A loop with no stream stops after this long. */
  idleMs: number;
  maxStreamsPerUser: number;
  /** Counts streams per user across instances sharing the store; without it, per instance only. */
  leases?: StreamLeases;
  maxBufferedBytes: number;
  /** Every open stream gets a heartbeat comment this often (one timer for all of them). */
  heartbeatMs?: number;
  retryMs?: number;
  /** How often open streams and loops re-check revocation, session end and idleness. */
  checkIntervalMs?: number;
  pollTimeoutMs?: number;
  metrics?: SseHubMetrics;
}

export interface SseHubMetrics {
  streams(delta: number): void;
  loops(delta: number): void;
  sent(events: number): void;
  resumed(): void;
  dropped(): void;
  resynced(reason: string): void;
}

/**
 * This instance's SSE state: one `UserSync` per active user, the open streams, and the periodic
 * check that ends them when their user is revoked or their session ends, on every instance.
 */
export class SseHub {
  readonly #options: SseHubOptions;
  readonly #loops = new Map<string, UserSync>();
  /** A user's open streams: an array, as there are only a few (a Set would cost 150 B more each). */
  readonly #streams = new Map<string, SseStream[]>();
  readonly #leases = new Map<SseStream, StreamLease>();
  readonly #timer: NodeJS.Timeout;
  readonly #heartbeats: NodeJS.Timeout;
  #checking = false;
  #closed = false;

  readonly #loopOptions: UserSyncOptions;

  constructor(options: SseHubOptions) {
    this.#options = options;
    this.#loopOptions = {
      synapse: options.synapse,
      batches: options.batches,
      cursor: options.cursor,
      pollTimeoutMs: options.pollTimeoutMs ?? 30_000,
      onStop: (loop) => {
        if (this.#loops.get(loop.userId) === loop) this.#loops.delete(loop.userId);
        this.#options.metrics?.loops(-1);
      },
    };
    this.#timer = setInterval(() => void this.#check(), options.checkIntervalMs ?? 2000);
    this.#timer.unref();
    // One ticker for every stream rather than a timer each: idle streams are most of them.
    this.#heartbeats = setInterval(() => this.#heartbeat(), options.heartbeatMs ?? 15_000);
    this.#heartbeats.unref();
  }

  get cursor(): SseCursor {
    return this.#options.cursor;
  }

  /** Counts a stream resumed from a valid cursor. */
  resumed(): void {
    this.#options.metrics?.resumed();
  }

  /** Whether a sync loop runs here for the user (tests and diagnostics). */
  hasLoop(userId: string): boolean {
    return this.#loops.has(userId);
  }

  /**
   * A slot for one more stream of the user, counted on every instance sharing the store; throws
   * OM_SSE_TOO_MANY_STREAMS when the user already has the maximum open. Pass the result to
   * `stream`, or to `release` when the stream never starts.
   */
  async reserve(userId: string): Promise<StreamLease | undefined> {
    const { leases, maxStreamsPerUser } = this.#options;
    if (this.#closed) throw new BrokerError('OM_OVERLOADED', { retryAfterSeconds: 1 });
    const tooMany = () => new BrokerError('OM_SSE_TOO_MANY_STREAMS', { retryAfterSeconds: 10 });
    // This instance's own count first: it costs no store call.
    if ((this.#streams.get(userId)?.length ?? 0) >= maxStreamsPerUser) throw tooMany();
    if (!leases) return undefined;
    const lease = await leases.acquire(userId, maxStreamsPerUser);
    if (!lease) throw tooMany();
    return lease;
  }

  release(lease: StreamLease | undefined): void {
    // A lease that cannot be released expires on its own.
    if (lease) void this.#options.leases?.release(lease).catch(() => {});
  }

  /** The user's loop, created if needed; a loop from before a revocation is replaced. */
  loopFor(grant: SseGrant): UserSync {
    const existing = this.#loops.get(grant.userId);
    if (existing && existing.epoch >= grant.epoch && !existing.stopReason) return existing;
    if (existing) this.#stopUser(grant.userId, 'revoked');
    const loop = new UserSync(this.#loopOptions, grant.userId, grant.epoch);
    this.#loops.set(grant.userId, loop);
    this.#options.metrics?.loops(1);
    return loop;
  }

  /** Stops a loop made for a stream that never started (its initial sync failed, say). */
  discardIfUnused(loop: UserSync): void {
    if (!loop.busy) loop.stop('idle');
  }

  /**
   * Streams to `socket` (its response head already written) until the stream ends, then calls
   * `onEnd`. A callback rather than a promise: every idle user's stream would hold its reactions.
   */
  stream(
    socket: Duplex,
    grant: SseGrant,
    loop: UserSync,
    start: StreamStart,
    lease?: StreamLease,
    onEnd?: () => void,
  ): void {
    const metrics = this.#options.metrics;
    const streams = this.#streams.get(grant.userId) ?? [];
    const stream: SseStream = new SseStream({
      socket,
      userSync: loop,
      grant,
      maxBufferedBytes: this.#options.maxBufferedBytes,
      retryMs: this.#options.retryMs ?? 3000,
      ...(metrics ? { onSent: metrics.sent, onDrop: metrics.dropped, onResync: metrics.resynced } : {}),
      onClosed: () => {
        this.#leases.delete(stream);
        this.release(lease);
        const index = streams.indexOf(stream);
        if (index >= 0) streams.splice(index, 1);
        if (streams.length === 0 && this.#streams.get(grant.userId) === streams)
          this.#streams.delete(grant.userId);
        loop.detach();
        metrics?.streams(-1);
        onEnd?.();
      },
    });
    this.#streams.set(grant.userId, streams);
    streams.push(stream);
    if (lease) this.#leases.set(stream, lease);
    loop.attach();
    metrics?.streams(1);
    stream.run(start);
  }

  /** Ends this instance's streams and loops (app shutdown). Clients resume on another instance. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    clearInterval(this.#heartbeats);
    for (const userId of [...this.#loops.keys(), ...this.#streams.keys()]) this.#stopUser(userId, 'shutdown');
  }

  #heartbeat(): void {
    for (const streams of this.#streams.values()) for (const stream of streams) stream.heartbeat();
  }

  #stopUser(userId: string, reason: StopReason): void {
    for (const stream of this.#streams.get(userId) ?? []) {
      stream.close(reason === 'revoked' ? { closed: 'revoked' } : undefined);
    }
    this.#loops.get(userId)?.stop(reason);
  }

  /** Revocation (user and device epochs), session end and idleness, for every loop and stream here. */
  async #check(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      const { sessions, idleMs } = this.#options;
      await Promise.all(
        [...this.#loops.values()].map(async (loop) => {
          if (loop.idleForMs() >= idleMs) return loop.stop('idle');
          const epoch = await sessions.epochOf(loop.userId).catch(() => undefined);
          // An unreadable store fails closed: streams end unmarked, so clients resume when it is back.
          if (epoch === undefined) this.#stopUser(loop.userId, 'unavailable');
          else if (epoch !== loop.epoch) this.#stopUser(loop.userId, 'revoked');
        }),
      );
      const deviceEpochs = new Map<string, Promise<number>>();
      await Promise.all(
        [...this.#streams.values()].flatMap((streams) =>
          [...streams].map(async (stream) => {
            const status = await sessions.statusOf(stream.grant, deviceEpochs).catch(() => undefined);
            if (status === 'revoked') stream.close({ closed: 'revoked' });
            else if (status === 'expired' || status === 'ended') stream.close({ closed: 'session ended' });
            else if (status === undefined) stream.close();
          }),
        ),
      );
      const { leases } = this.#options;
      if (leases) {
        await Promise.all([...this.#leases.values()].map((lease) => leases.renew(lease).catch(() => {})));
      }
    } finally {
      this.#checking = false;
    }
  }
}
