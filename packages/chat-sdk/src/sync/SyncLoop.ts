import { type ChatSdkError, isChatSdkError } from '../ChatSdkError.js';
import type { HomeserverApi } from '../matrix/HomeserverApi.js';
import { type Backoff, jitteredBackoff } from './backoff.js';
import { browserNetworkSignals, type NetworkSignals } from './networkSignals.js';
import { nextTask } from './nextTask.js';
import { Pause } from './Pause.js';
import type { SyncResponse } from './SyncResponse.js';

export type SyncStatus = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'error';

export interface SyncLoopOptions {
  api: Pick<HomeserverApi, 'sync'>;
  /** Each response in order; `initial` for the first one of this loop (no `since`). */
  onSync(response: SyncResponse, initial: boolean): void;
  onStatus(status: SyncStatus, error?: ChatSdkError): void;
  onHandlerError?(error: unknown): void;
  /** Resume from here (the previous loop's position) instead of an initial sync. */
  since?: string;
  /** Messages per room in the initial sync: enough that a room never opens nearly empty. */
  initialTimelineLimit?: number;
  pollTimeoutMs?: number;
  backoff?: Backoff;
  network?: NetworkSignals;
}

/** Errors after which retrying cannot help until something outside changes (a new sign-in). */
const FATAL = new Set(['CHAT_UNAUTHORIZED', 'CHAT_FORBIDDEN', 'CHAT_CLOSED']);

/**
 * The direct transport's `/sync` long-poll: resumes from the last position after any failure
 * (so nothing is skipped and nothing repeats), backs off with jitter up to a cap, honours 429
 * waits, and reacts to the browser's online/offline signals at once.
 */
export class SyncLoop {
  #since: string | undefined;
  #running = false;
  #controller: AbortController | undefined;
  readonly #pause = new Pause();
  readonly #backoff: Backoff;
  readonly #network: NetworkSignals;
  #unsubscribe: (() => void) | undefined;
  /** The request in flight was dropped because the browser went offline, not because it failed. */
  #droppedOffline = false;

  readonly #options: SyncLoopOptions;

  constructor(options: SyncLoopOptions) {
    this.#options = options;
    this.#since = options.since;
    this.#backoff = options.backoff ?? jitteredBackoff({ baseMs: 1000, capMs: 30_000 });
    this.#network = options.network ?? browserNetworkSignals();
  }

  /** The position to resume from (`next_batch` of the last response handled). */
  get position(): string | undefined {
    return this.#since;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe = this.#network.subscribe((online) => {
      if (online) this.retryNow();
      else if (this.#running) {
        this.#options.onStatus('offline');
        // The request in flight would only time out: drop it, resume when the network returns.
        this.#droppedOffline = true;
        this.#controller?.abort();
      }
    });
    void this.#run();
  }

  stop(): void {
    this.#running = false;
    this.#unsubscribe?.();
    this.#controller?.abort();
    this.#pause.wake();
  }

  /** Skips the current backoff wait (the network is back, or the caller knows better). */
  retryNow(): void {
    this.#pause.wake();
  }

  async #run(): Promise<void> {
    let failures = 0;
    // The first request of a loop (resumed or not) returns at once, so the client knows it is live.
    let caughtUp = false;
    this.#options.onStatus(this.#since ? 'reconnecting' : 'connecting');
    while (this.#running) {
      if (!this.#network.isOnline()) {
        this.#options.onStatus('offline');
        await this.#pause.sleep(60_000);
        continue;
      }
      this.#droppedOffline = false;
      this.#controller = new AbortController();
      const initial = this.#since === undefined;
      try {
        const response = await this.#options.api.sync(
          {
            ...(this.#since ? { since: this.#since } : {}),
            timeout: !caughtUp || failures > 0 ? 0 : (this.#options.pollTimeoutMs ?? 30_000),
            filter: JSON.stringify(this.#filter()),
          },
          this.#controller.signal,
        );
        if (!this.#running) return;
        try {
          this.#options.onSync(response, initial);
        } catch (handlerError) {
          // A bug in handling one response must not replay it forever: report, and move on.
          this.#options.onHandlerError?.(handlerError);
        }
        this.#since = response.next_batch;
        caughtUp = true;
        failures = 0;
        this.#options.onStatus('live');
        // The next poll starts in the next task: the render this answer scheduled (React, like most
        // UI libraries, as a microtask) commits first, and setting up the request (a millisecond of
        // main thread in a browser, a CORS preflight with it) no longer runs before the new rows
        // reach the DOM. Not a timer: see `nextTask`.
        await nextTask();
      } catch (error) {
        if (!this.#running) return;
        const failure = error as ChatSdkError;
        if (isChatSdkError(error) && FATAL.has(error.code)) {
          this.#running = false;
          this.#unsubscribe?.();
          this.#options.onStatus('error', error);
          return;
        }
        if (isChatSdkError(error, 'CHAT_ABORTED') && this.#droppedOffline) {
          // Offline, or already back online: either way no backoff for a request we dropped.
          this.#droppedOffline = false;
          continue;
        }
        this.#options.onStatus(this.#network.isOnline() ? 'reconnecting' : 'offline', failure);
        await this.#pause.sleep(failure.retryAfterMs ?? this.#backoff(failures++));
      }
    }
  }

  #filter(): Record<string, unknown> {
    return {
      room: {
        timeline: { limit: this.#options.initialTimelineLimit ?? 30, lazy_load_members: true },
        state: { lazy_load_members: true },
        ephemeral: { types: ['m.typing', 'm.receipt'] },
      },
      presence: { types: [] },
    };
  }
}
