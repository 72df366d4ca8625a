import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { isBrokerError } from '../errors.js';
import { encodeSseComment, encodeSseEvent, encodeSseRetry } from './encodeSseEvent.js';
import { CLOSED_EVENT, RESYNC_EVENT } from './flattenSync.js';
import type { SseGrant } from './SseSessions.js';
import type { LoadedBatch, UserSync } from './UserSync.js';

/**
 * Where a stream begins: inside a loaded batch, or with the batch after a sync position. The
 * stream takes `batch` out (sets it undefined): the callers that made `start` hold on to it for the
 * stream's whole life, and an idle user's stream must not keep its initial sync in memory.
 */
export type StreamStart =
  | { batch: LoadedBatch | undefined; fromIndex: number; resync?: string }
  | { since: string };

export interface SseStreamOptions {
  /** The connection, its response head already written (`eventStreamHead`); the body is ours. */
  socket: Duplex;
  userSync: UserSync;
  grant: SseGrant;
  /** Buffered bytes beyond which the client counts as a slow consumer and is dropped. */
  maxBufferedBytes: number;
  retryMs: number;
  onSent?: (events: number) => void;
  onDrop?: () => void;
  onResync?: (reason: string) => void;
  /** Called once, when the connection has closed (the stream's end, whatever ended it). */
  onClosed?: () => void;
}

/** Gives a dropped client this long to read its last bytes before the socket is destroyed. */
const CLOSE_GRACE_MS = 30_000;
/** Transient failures waited out in a row before the stream ends (the client then reconnects). */
const MAX_RETRIES = 6;
const HEARTBEAT = encodeSseComment('heartbeat');

/**
 * One open `text/event-stream` response: it delivers batches from its start position, follows
 * `next_batch`, and ends on close, revocation, a slow consumer or a sync failure. Its owner sends
 * the heartbeats (`heartbeat()`, one ticker for every stream).
 *
 * Thousands of these sit idle at once, so a stream holds no timer, signal or suspended frame while
 * it waits: one callback pair on the work it waits for, which `close()` disowns.
 */
export class SseStream {
  readonly grant: SseGrant;
  readonly #options: SseStreamOptions;
  #closed = false;
  /** Whether any batch went out: until then, a position Synapse refuses means a fresh start. */
  #delivered = false;
  /** Transient failures in a row. */
  #failures = 0;
  /** The work being waited for (`#await`); its outcome is ignored once this changes. */
  #waitingFor: Promise<unknown> | undefined;

  constructor(options: SseStreamOptions) {
    this.#options = options;
    this.grant = options.grant;
    const closed = () => {
      this.#end();
      options.onClosed?.();
    };
    // A client gone while the stream was being set up: its 'close' has come and gone. Ended on
    // the next tick, once the owner has registered the stream (`onClosed` unregisters it).
    if (options.socket.destroyed) queueMicrotask(closed);
    // `on`, not `once`: 'close' comes once anyway, and `once` wraps the listener per stream.
    else options.socket.on('close', closed);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** A comment line that keeps proxies from timing the stream out (and finds dead clients). */
  heartbeat(): void {
    this.#send(HEARTBEAT);
  }

  /** Starts the stream; it runs until it ends (`onClosed` tells when). */
  run(start: StreamStart): void {
    this.#write(encodeSseRetry(this.#options.retryMs));
    this.#guard(() => this.#follow(this.#begin(start)));
  }

  /** Ends the stream, telling the client why when it must not simply reconnect. */
  close(reason?: { closed: string } | { resync: string }): void {
    if (this.closed) return;
    if (reason && 'closed' in reason) {
      this.#write(encodeSseEvent({ event: CLOSED_EVENT, data: JSON.stringify({ reason: reason.closed }) }));
    } else if (reason) this.#resyncMarker(reason.resync);
    this.#end();
  }

  /** Delivers the start batch, if any, and takes it out of `start`: the position to go on from. */
  #begin(start: StreamStart): string | undefined {
    if ('since' in start) return start.since;
    const { batch, fromIndex } = start;
    start.batch = undefined;
    if (start.resync !== undefined) this.#resyncMarker(start.resync);
    return batch && this.#deliver(batch, fromIndex);
  }

  /**
   * Delivers the batch after `since`, then the one after that, until the stream ends. Only
   * positions cross the waits: a batch kept here would stay in memory while the user is idle.
   */
  #follow(since: string | undefined): void {
    if (since === undefined || this.#closed || this.#options.userSync.signal.aborted) {
      this.#end();
      return;
    }
    // As `#await`, written out: the one wait an idle stream spends its life in holds one context
    // and one callback pair, nothing more.
    const work = this.#options.userSync.batchAfter(since);
    this.#waitingFor = work;
    work.then(
      (batch) => {
        if (this.#waitingFor !== work) return;
        this.#waitingFor = undefined;
        this.#failures = 0;
        this.#guard(() => this.#follow(this.#deliver(batch, 0)));
      },
      (err: unknown) => {
        if (this.#waitingFor !== work) return;
        this.#waitingFor = undefined;
        this.#guard(() => this.#recover(err, since));
      },
    );
  }

  /** After a failed batch: a fresh start, a wait before trying `since` again, or the end. */
  #recover(err: unknown, since: string): void {
    if (!this.#delivered && isBrokerError(err, 'OM_SYNAPSE_ERROR')) {
      // The homeserver refuses the position the stream was asked to start at (a sync token from
      // the client, say): start afresh, as after an unknown cursor.
      this.#resyncMarker('unknown cursor');
      this.#await(
        this.#options.userSync.initial(),
        (batch) => {
          this.#failures = 0;
          this.#follow(this.#deliver(batch, 0));
        },
        (failed) => this.#fail(failed),
      );
      return;
    }
    if (!isBrokerError(err) || err.statusCode < 500 || this.#failures >= MAX_RETRIES) {
      this.#fail(err);
      return;
    }
    // A homeserver or store hiccup: wait (heartbeats go on) rather than drop the client.
    this.#await(
      sleep(Math.min(10_000, 500 * 2 ** this.#failures++), undefined, { ref: false }),
      () => this.#follow(since),
      (failed) => this.#fail(failed),
    );
  }

  /**
   * Ends the stream after a failure. The homeserver refusing this position (or the user): the
   * client starts over from a fresh sync. Anything else (homeserver down, store down) just ends
   * the stream; the client resumes where it was.
   */
  #fail(err: unknown): void {
    if (!this.closed && isBrokerError(err, 'OM_SYNAPSE_ERROR')) this.#resyncMarker('upstream refused');
    this.#end();
  }

  /**
   * Goes on with `next` or `failed` once `work` settles, unless the stream ends first. A stopped
   * sync loop needs no listener here: the hub closes the loop's streams when it stops it, and the
   * loop aborts its own long-polls, so the work it was asked for fails.
   */
  #await<T>(work: Promise<T>, next: (value: T) => void, failed: (err: unknown) => void): void {
    if (this.#closed || this.#options.userSync.signal.aborted) {
      this.#end();
      // Settled unobserved otherwise: an unhandled rejection.
      work.catch(() => {});
      return;
    }
    this.#waitingFor = work;
    work.then(
      (value) => {
        if (this.#waitingFor !== work) return;
        this.#waitingFor = undefined;
        this.#guard(() => next(value));
      },
      (err: unknown) => {
        if (this.#waitingFor !== work) return;
        this.#waitingFor = undefined;
        this.#guard(() => failed(err));
      },
    );
  }

  /** Runs a step; one that throws ends the stream (as a failed sync would). */
  #guard(step: () => void): void {
    try {
      step();
    } catch (err) {
      this.#fail(err);
    }
  }

  /** Writes a batch from event `from` on: the position after it, or undefined once the client is dropped. */
  #deliver(batch: LoadedBatch, from: number): string | undefined {
    const frames = this.#options.userSync.frames(batch).slice(from);
    if (!this.#sendAll(frames)) return undefined;
    this.#delivered = true;
    this.#options.onSent?.(frames.length);
    return batch.next;
  }

  #resyncMarker(reason: string): void {
    this.#options.onResync?.(reason);
    this.#write(encodeSseEvent({ event: RESYNC_EVENT, data: JSON.stringify({ reason }) }));
  }

  /** Writes a batch whole (it is in memory anyway), unless the client is already too far behind. */
  #sendAll(frames: string[]): boolean {
    if (!this.#roomFor()) return false;
    if (frames.length > 0) this.#write(frames.join(''));
    return true;
  }

  #send(frame: string): void {
    if (this.#roomFor()) this.#write(frame);
  }

  /** False (and the client dropped with a resync marker) once its unread bytes exceed the bound. */
  #roomFor(): boolean {
    if (this.closed) return false;
    if (this.#options.socket.writableLength <= this.#options.maxBufferedBytes) return true;
    this.#options.onDrop?.();
    this.close({ resync: 'slow consumer' });
    return false;
  }

  #write(chunk: string): void {
    const { socket } = this.#options;
    if (!socket.writableEnded && !socket.destroyed) socket.write(chunk);
  }

  #end(): void {
    if (!this.#closed) {
      this.#closed = true;
      this.#waitingFor = undefined;
    }
    const { socket } = this.#options;
    if (!socket.writableEnded && !socket.destroyed) {
      socket.end();
      // A client that stopped reading never lets `end` finish: do not keep its socket forever.
      const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    }
  }
}
