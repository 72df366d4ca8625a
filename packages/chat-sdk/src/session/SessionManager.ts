import type { BrokerApi, BrokerSession } from '../broker/BrokerApi.js';
import { ChatSdkError, isChatSdkError } from '../ChatSdkError.js';
import { type Backoff, jitteredBackoff } from '../sync/backoff.js';
import { browserTabChannel, browserTabLock, type TabChannel, type TabLock } from './tabCoordination.js';

export interface SessionManagerOptions {
  broker: Pick<BrokerApi, 'session'>;
  deviceKey: string;
  /** Tabs of one profile share a device; these keep their refreshes single-flight. */
  lock?: TabLock;
  channel?: TabChannel<BrokerSession>;
  /** Refresh this long before expiry (capped at a quarter of the token's lifetime). Default 30 s. */
  refreshBeforeMs?: number;
  now?: () => number;
  backoff?: Backoff;
  /** Every new session, and the error that stopped refreshing (`CHAT_UNAUTHORIZED`: sign in again). */
  onSession?: (session: BrokerSession) => void;
  onError?: (error: ChatSdkError) => void;
}

/**
 * Keeps a valid Matrix access token for this device: fetched from the broker, refreshed before it
 * expires and whenever the homeserver refuses it, once for all tabs (a Web Lock around the broker
 * call; the new session is broadcast, so other tabs adopt it without asking). Refreshing a
 * device-bound token never invalidates the one other tabs still hold.
 */
export class SessionManager {
  #session: BrokerSession | undefined;
  #inflight: Promise<BrokerSession> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  readonly #lock: TabLock;
  readonly #channel: TabChannel<BrokerSession>;
  readonly #unsubscribe: () => void;
  readonly #now: () => number;
  readonly #backoff: Backoff;
  #failures = 0;
  /** When the current token is due for refresh, fixed when it arrives (its full lifetime known). */
  #refreshDue = 0;

  readonly #options: SessionManagerOptions;

  constructor(options: SessionManagerOptions) {
    this.#options = options;
    this.#lock = options.lock ?? browserTabLock();
    this.#channel = options.channel ?? browserTabChannel(`openmeet-chat:session:${options.deviceKey}`);
    this.#now = options.now ?? Date.now;
    this.#backoff = options.backoff ?? jitteredBackoff({ baseMs: 1000, capMs: 30_000 });
    this.#unsubscribe = this.#channel.subscribe((session) => this.#adopt(session));
  }

  current(): BrokerSession | undefined {
    return this.#session;
  }

  /** The current session, fetching the first one if needed. */
  async get(): Promise<BrokerSession> {
    if (this.#session && this.#session.expiresAt > this.#now()) return this.#session;
    return this.refresh();
  }

  /**
   * A fresh session. `staleAccessToken`: the token the homeserver just refused; the broker never
   * hands it out again. Concurrent calls share one request.
   */
  refresh(staleAccessToken?: string): Promise<BrokerSession> {
    if (this.#stopped) return Promise.reject(new ChatSdkError('CHAT_CLOSED', 'The chat client was closed'));
    // Another caller already replaced the refused token.
    if (
      staleAccessToken &&
      this.#session &&
      this.#session.accessToken !== staleAccessToken &&
      this.#valid(this.#session)
    ) {
      return Promise.resolve(this.#session);
    }
    this.#inflight ??= this.#lock
      .run(`openmeet-chat:session:${this.#options.deviceKey}`, async () => {
        // A tab that held the lock before us may have refreshed already (and broadcast it).
        const adopted = this.#session;
        if (
          adopted &&
          this.#valid(adopted) &&
          adopted.accessToken !== staleAccessToken &&
          !this.#dueForRefresh()
        ) {
          return adopted;
        }
        const session = await this.#options.broker.session(this.#options.deviceKey, staleAccessToken);
        this.#channel.post(session);
        return session;
      })
      .then(
        (session) => {
          this.#failures = 0;
          this.#accept(session);
          return session;
        },
        (error: unknown) => {
          const failure = isChatSdkError(error)
            ? error
            : new ChatSdkError('CHAT_BROKER_UNREACHABLE', 'Could not refresh the chat session', {
                cause: error,
              });
          this.#retryLater(failure);
          throw failure;
        },
      )
      .finally(() => {
        this.#inflight = undefined;
      });
    return this.#inflight;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#unsubscribe();
    this.#channel.close();
  }

  #adopt(session: BrokerSession): void {
    if (this.#stopped || !this.#session || session.userId !== this.#session.userId) return;
    if (session.expiresAt > this.#session.expiresAt) this.#accept(session);
  }

  #accept(session: BrokerSession): void {
    const previous = this.#session;
    this.#session = session;
    const changed = previous?.accessToken !== session.accessToken;
    if (changed) this.#refreshDue = this.#refreshAt(session);
    this.#schedule(session);
    if (changed) this.#options.onSession?.(session);
  }

  #schedule(session: BrokerSession): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    let delay = this.#refreshDue - this.#now();
    // Due already yet the broker answered with the same token (its reuse window is wider than
    // ours): look again a little later rather than spin.
    if (delay <= 0) delay = Math.min(5000, Math.max(1000, (session.expiresAt - this.#now()) / 2));
    this.#timer = setTimeout(() => {
      this.refresh().catch(() => {
        // retryLater has scheduled the next attempt and reported the error.
      });
    }, delay);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #retryLater(error: ChatSdkError): void {
    this.#options.onError?.(error);
    // The host session is gone or refused: asking again will not help until the host signs in.
    if (this.#stopped || error.code === 'CHAT_UNAUTHORIZED' || error.code === 'CHAT_FORBIDDEN') return;
    clearTimeout(this.#timer);
    const delay = error.retryAfterMs ?? this.#backoff(this.#failures++);
    this.#timer = setTimeout(() => {
      this.refresh().catch(() => {});
    }, delay);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #refreshAt(session: BrokerSession): number {
    const lifetime = Math.max(0, session.expiresAt - this.#now());
    const margin = Math.min(this.#options.refreshBeforeMs ?? 30_000, lifetime / 4);
    return session.expiresAt - margin;
  }

  #dueForRefresh(): boolean {
    return this.#now() >= this.#refreshDue - 1000;
  }

  #valid(session: BrokerSession): boolean {
    return session.expiresAt > this.#now();
  }
}
