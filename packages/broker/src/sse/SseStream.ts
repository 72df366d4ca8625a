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
 * Thousands of these sit idle at once, so a stream holds no timer or signal of its own while it
 * waits: `close()` wakes the one wait in progress.
 */
export class SseStream {
  readonly grant: SseGrant;
  readonly #options: SseStreamOptions;
  #closed = false;
  /** Whether any batch went out: until then, a position Synapse refuses means a fresh start. */
  #delivered = false;
  /** Transient failures in a row. */
  #failures = 0;
  /** Ends the wait in progress (`#until`) with undefined. */
  #wake: (() => void) | undefined;
  readonly finished: Promise<void>;
  #finish!: () => void;

  constructor(options: SseStreamOptions) {
    this.#options = options;
    this.grant = options.grant;
    this.finished = new Promise((resolve) => {
      this.#finish = resolve;
    });
    const closed = () => {
      this.#end();
      this.#finish();
    };
    // A client gone while the stream was being set up: its 'close' has come and gone.
    if (options.socket.destroyed) closed();
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

  /** Runs until the stream ends. */
  async run(start: StreamStart): Promise<void> {
    this.#write(encodeSseRetry(this.#options.retryMs));
    try {
      // Only positions cross this loop's awaits: a suspended frame keeps its last values, and a
      // batch kept here would stay in memory for as long as the user stays idle.
      let since = this.#begin(start);
      while (since !== undefined && !this.closed) since = await this.#step(since);
    } catch (err) {
      // The homeserver refuses this position (or the user): start over from a fresh sync. Anything
      // else (homeserver down, store down) just ends the stream; the client resumes where it was.
      if (!this.closed && isBrokerError(err, 'OM_SYNAPSE_ERROR')) this.#resyncMarker('upstream refused');
    } finally {
      this.#end();
    }
    await this.finished;
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
   * Delivers the batch after `since`: the position to go on from, or undefined to end. Chained
   * rather than awaited: an idle stream spends its life here, and a suspended frame costs more.
   */
  #step(since: string): Promise<string | undefined> {
    return this.#until(this.#options.userSync.batchAfter(since)).then(
      (batch) => {
        if (!batch) return undefined;
        this.#failures = 0;
        return this.#deliver(batch, 0);
      },
      (err: unknown) => this.#recover(err, since),
    );
  }

  /** After a failed batch: a fresh start, a wait before trying `since` again, or the end (throws). */
  async #recover(err: unknown, since: string): Promise<string | undefined> {
    if (!this.#delivered && isBrokerError(err, 'OM_SYNAPSE_ERROR')) {
      // The homeserver refuses the position the stream was asked to start at (a sync token from
      // the client, say): start afresh, as after an unknown cursor.
      this.#resyncMarker('unknown cursor');
      const batch = await this.#until(this.#options.userSync.initial());
      if (!batch) return undefined;
      this.#failures = 0;
      return this.#deliver(batch, 0);
    }
    if (!isBrokerError(err) || err.statusCode < 500 || this.#failures >= MAX_RETRIES) throw err;
    // A homeserver or store hiccup: wait (heartbeats go on) rather than drop the client.
    await this.#until(sleep(Math.min(10_000, 500 * 2 ** this.#failures++), undefined, { ref: false }));
    return since;
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

  /**
   * Settles like `work`, or with undefined once the stream ends first. A stopped sync loop needs no
   * listener here: the hub closes the loop's streams when it stops it, and the loop aborts its own
   * long-polls, so the work it was asked for fails.
   */
  #until<T>(work: Promise<T>): Promise<T | undefined> {
    if (this.#closed || this.#options.userSync.signal.aborted) return Promise.resolve(undefined);
    return new Promise<T | undefined>((resolve, reject) => {
      this.#wake = () => resolve(undefined);
      work.then(
        (value) => {
          this.#wake = undefined;
          resolve(value);
        },
        (err: unknown) => {
          this.#wake = undefined;
          reject(err);
        },
      );
    });
  }

  #end(): void {
    if (!this.#closed) {
      this.#closed = true;
      this.#wake?.();
      this.#wake = undefined;
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
