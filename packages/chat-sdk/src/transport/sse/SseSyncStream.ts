import type { BrokerApi } from '../../broker/BrokerApi.js';
import { ChatSdkError, isChatSdkError } from '../../ChatSdkError.js';
import { type Backoff, jitteredBackoff } from '../../sync/backoff.js';
import { browserNetworkSignals, type NetworkSignals } from '../../sync/networkSignals.js';
import { Pause } from '../../sync/Pause.js';
import type { TransportSink } from '../Transport.js';
import { SseParser } from './SseParser.js';
import { CLOSED_EVENT, RESYNC_EVENT, SyncAssembler } from './SyncAssembler.js';

export interface SseSyncStreamOptions {
  broker: Pick<BrokerApi, 'sseTicket' | 'sseStreamUrl'>;
  deviceKey: string;
  sink: TransportSink;
  fetch?: typeof globalThis.fetch;
  backoff?: Backoff;
  network?: NetworkSignals;
}

/**
 * The SSE transport's receiving half: reads the broker's event stream with `fetch` (so it can send
 * `Last-Event-ID` itself and run in Node too), rebuilds `/sync` responses for the store, and
 * reconnects with a fresh one-time ticket and the last event id after any drop, so the broker
 * resumes right after the last event received: nothing lost, nothing twice.
 */
export class SseSyncStream {
  #running = false;
  #controller: AbortController | undefined;
  #lastEventId: string | undefined;
  /** A Matrix sync position to start from, used until the stream has given an event id. */
  #since: string | undefined;
  readonly #pause = new Pause();
  #retryMs = 0;
  readonly #backoff: Backoff;
  readonly #network: NetworkSignals;
  #unsubscribe: (() => void) | undefined;

  readonly #options: SseSyncStreamOptions;

  constructor(options: SseSyncStreamOptions) {
    this.#options = options;
    this.#backoff = options.backoff ?? jitteredBackoff({ baseMs: 1000, capMs: 30_000 });
    this.#network = options.network ?? browserNetworkSignals();
  }

  /** The id of the last event received: where a reconnect resumes. */
  get position(): string | undefined {
    return this.#lastEventId;
  }

  /**
   * Starts reading: after `lastEventId` (a cursor this stream gave), or at `since` (a Matrix
   * `next_batch`, e.g. where direct sync stopped), or from nothing (an initial sync).
   */
  start(from: { lastEventId?: string; since?: string } = {}): void {
    if (this.#running) return;
    this.#running = true;
    this.#lastEventId = from.lastEventId;
    this.#since = from.since;
    this.#unsubscribe = this.#network.subscribe((online) => {
      if (online) this.#pause.wake();
      else this.#controller?.abort();
    });
    void this.#run();
  }

  stop(): void {
    this.#running = false;
    this.#unsubscribe?.();
    this.#controller?.abort();
    this.#pause.wake();
  }

  retryNow(): void {
    this.#pause.wake();
  }

  async #run(): Promise<void> {
    let failures = 0;
    const { sink } = this.#options;
    sink.onStatus(this.#lastEventId || this.#since ? 'reconnecting' : 'connecting');
    while (this.#running) {
      const assembler = new SyncAssembler();
      try {
        this.#controller = new AbortController();
        const { ticket } = await this.#options.broker.sseTicket(
          this.#options.deviceKey,
          this.#controller.signal,
        );
        const response = await (this.#options.fetch ?? globalThis.fetch)(
          this.#options.broker.sseStreamUrl(ticket),
          {
            headers: {
              accept: 'text/event-stream',
              ...(this.#lastEventId ? { 'last-event-id': this.#lastEventId } : {}),
            },
            signal: this.#controller.signal,
          },
        );
        if (!response.ok || !response.body) {
          throw new ChatSdkError(
            response.status === 401
              ? 'CHAT_UNAUTHORIZED'
              : response.status === 429
                ? 'CHAT_RATE_LIMITED'
                : 'CHAT_BROKER_UNREACHABLE',
            `The event stream answered HTTP ${response.status}`,
            { status: response.status },
          );
        }
        let received = false;
        const parser = new SseParser(
          (event) => {
            if (!received) {
              received = true;
              failures = 0;
            }
            if (event.lastEventId) this.#lastEventId = event.lastEventId;
            this.#handle(event.event, event.data, assembler);
          },
          (ms) => {
            this.#retryMs = ms;
          },
        );
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.push(value);
        }
        // The stream ended (a broker restart, a proxy timeout): resume after the last event.
        throw new ChatSdkError('CHAT_BROKER_UNREACHABLE', 'The event stream ended');
      } catch (error) {
        if (!this.#running) return;
        const failure = isChatSdkError(error)
          ? error
          : new ChatSdkError('CHAT_BROKER_UNREACHABLE', 'The event stream failed', { cause: error });
        if (
          failure.code === 'CHAT_UNAUTHORIZED' ||
          failure.code === 'CHAT_FORBIDDEN' ||
          failure.code === 'CHAT_CLOSED'
        ) {
          this.#running = false;
          this.#unsubscribe?.();
          sink.onStatus('error', failure);
          return;
        }
        sink.onStatus(this.#network.isOnline() ? 'reconnecting' : 'offline', failure);
        await this.#pause.sleep(Math.max(this.#retryMs, failure.retryAfterMs ?? this.#backoff(failures++)));
      }
    }
  }

  #handle(event: string, data: string, assembler: SyncAssembler): void {
    const { sink } = this.#options;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    if (event === RESYNC_EVENT) {
      // The broker could not resume there: a fresh initial sync follows on this stream. A reader
      // too slow to keep up is disconnected instead, and must not resume where it lagged.
      assembler.reset();
      if ((json as { reason?: unknown }).reason === 'slow consumer') this.#lastEventId = undefined;
      this.#since = undefined;
      return;
    }
    if (event === CLOSED_EVENT) {
      // Revoked, or the stream's session ended: what was granted is gone, not the user's access.
      // The broker ends the response right after this event, and the reconnect asks for a new ticket
      // with the host token, which decides: still vouched for → the stream resumes after the last
      // event; refused → CHAT_UNAUTHORIZED stops the client. (Aborting here, inside the read, can
      // leave undici's reader pending for good.)
      return;
    }
    const batch = assembler.push(event, json);
    if (!batch) return;
    this.#since = batch.response.next_batch;
    try {
      sink.onSync(batch.response, batch.initial);
    } catch (error) {
      sink.onHandlerError?.(error);
    }
    sink.onStatus('live');
  }
}
