import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { isBrokerError } from '../errors.js';
import { linkSignals } from '../linkSignals.js';
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
  response: ServerResponse;
  userSync: UserSync;
  grant: SseGrant;
  /** Buffered bytes beyond which the client counts as a slow consumer and is dropped. */
  maxBufferedBytes: number;
  heartbeatMs: number;
  retryMs: number;
  onSent?: (events: number) => void;
  onDrop?: () => void;
  onResync?: (reason: string) => void;
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
} as const;

/** Gives a dropped client this long to read its last bytes before the socket is destroyed. */
const CLOSE_GRACE_MS = 30_000;
/** Transient failures waited out in a row before the stream ends (the client then reconnects). */
const MAX_RETRIES = 6;

/**
 * One open `text/event-stream` response: it delivers batches from its start position, follows
 * `next_batch`, sends heartbeats, and ends on close, revocation, a slow consumer or a sync failure.
 */
export class SseStream {
  readonly grant: SseGrant;
  readonly #options: SseStreamOptions;
  readonly #done = new AbortController();
  #heartbeat: NodeJS.Timeout | undefined;
  readonly finished: Promise<void>;
  #finish!: () => void;

  constructor(options: SseStreamOptions) {
    this.#options = options;
    this.grant = options.grant;
    this.finished = new Promise((resolve) => {
      this.#finish = resolve;
    });
    options.response.once('close', () => {
      this.#end();
      this.#finish();
    });
  }

  get closed(): boolean {
    return this.#done.signal.aborted;
  }

  /** Sends headers and runs until the stream ends. */
  async run(start: StreamStart): Promise<void> {
    const { response, userSync } = this.#options;
    response.write(encodeSseRetry(this.#options.retryMs));
    this.#heartbeat = setInterval(() => this.#send(encodeSseComment('heartbeat')), this.#options.heartbeatMs);
    try {
      let batch: LoadedBatch | undefined;
      let from = 0;
      let since: string | undefined;
      if ('since' in start) since = start.since;
      else {
        batch = start.batch;
        start.batch = undefined;
        from = start.fromIndex;
        if (start.resync !== undefined) this.#resyncMarker(start.resync);
      }
      let failures = 0;
      let delivered = false;
      while (!this.closed) {
        if (!batch) {
          try {
            batch = await this.#until(userSync.batchAfter(since as string));
          } catch (err) {
            if (!delivered && isBrokerError(err, 'OM_SYNAPSE_ERROR')) {
              // The homeserver refuses the position the stream was asked to start at (a sync token
              // from the client, say): start afresh, as after an unknown cursor.
              this.#resyncMarker('unknown cursor');
              batch = await this.#until(userSync.initial());
            } else {
              if (!isBrokerError(err) || err.statusCode < 500 || failures >= MAX_RETRIES) throw err;
              // A homeserver or store hiccup: wait (heartbeats go on) rather than drop the client.
              await this.#until(sleep(Math.min(10_000, 500 * 2 ** failures++), undefined, { ref: false }));
              continue;
            }
          }
          if (!batch) break;
          failures = 0;
        }
        const frames = userSync.frames(batch).slice(from);
        if (!this.#sendAll(frames)) break;
        delivered = true;
        this.#options.onSent?.(frames.length);
        since = batch.next;
        batch = undefined;
        from = 0;
      }
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
    const { response } = this.#options;
    if (response.writableLength <= this.#options.maxBufferedBytes) return true;
    this.#options.onDrop?.();
    this.close({ resync: 'slow consumer' });
    return false;
  }

  #write(chunk: string): void {
    const { response } = this.#options;
    if (!response.writableEnded && !response.destroyed) response.write(chunk);
  }

  /** Resolves with the value, or undefined once the stream or the sync loop ends first. */
  async #until<T>(work: Promise<T>): Promise<T | undefined> {
    const stopped = linkSignals([this.#done.signal, this.#options.userSync.signal]);
    if (stopped.signal.aborted) return undefined;
    const aborted = new Promise<undefined>((resolve) => {
      stopped.signal.addEventListener('abort', () => resolve(undefined), { once: true });
    });
    try {
      return await Promise.race([work, aborted]);
    } finally {
      stopped.dispose();
    }
  }

  #end(): void {
    if (!this.#done.signal.aborted) this.#done.abort();
    clearInterval(this.#heartbeat);
    const { response } = this.#options;
    if (!response.writableEnded) {
      response.end();
      // A client that stopped reading never lets `end` finish: do not keep its socket forever.
      const timer = setTimeout(() => response.destroy(), CLOSE_GRACE_MS);
      timer.unref();
      response.once('close', () => clearTimeout(timer));
    }
  }
}
