import type { ChatSdkError } from '../ChatSdkError.js';
import type { ConnectionStatus } from '../store/ChatState.js';
import type { SyncResponse } from '../sync/SyncResponse.js';
import type { Transport } from '../transport/Transport.js';

export type TransportMode = 'auto' | 'direct' | 'sse';

export interface TransportSwitchOptions {
  mode: TransportMode;
  transports: { direct: Transport; sse: Transport };
  /** Whether the homeserver answers this browser right now. */
  probe: () => Promise<boolean>;
  /** How often SSE mode checks whether the homeserver is back (auto mode). */
  probeIntervalMs: number;
  /** Failed direct syncs in a row before checking whether to fall back. Default 2. */
  failuresBeforeFallback?: number;
  onSync(response: SyncResponse, initial: boolean): void;
  onStatus(status: ConnectionStatus, error?: ChatSdkError): void;
  onHandlerError?(error: unknown): void;
}

/**
 * Chooses the transport, in one place: `direct` or `sse` when forced; otherwise direct while the
 * homeserver answers, SSE when it does not (checked at start and after failed syncs), and back to
 * direct when a periodic probe finds it again. A switch resumes at the last sync position applied,
 * so the store sees neither a gap nor a repeat, and requests (the outbox's among them) simply go
 * through whichever transport is current.
 */
export class TransportSwitch {
  #active: Transport;
  #position: string | undefined;
  #failures = 0;
  #probing = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;
  /** Auto mode's first probe is still out: direct's failures are not news yet. */
  #deciding = false;

  readonly #options: TransportSwitchOptions;

  constructor(options: TransportSwitchOptions) {
    this.#options = options;
    this.#active = options.transports[options.mode === 'sse' ? 'sse' : 'direct'];
  }

  get current(): Transport {
    return this.#active;
  }

  /**
   * Auto mode starts direct at once and probes beside it, so a reachable homeserver (the usual case)
   * answers the initial sync without waiting for the probe; when the probe finds the homeserver
   * blocked before any direct sync came in, the switch drops the direct attempt for SSE.
   */
  async start(): Promise<void> {
    if (this.#stopped) return;
    if (this.#options.mode !== 'auto') {
      this.#run(this.#active);
      return;
    }
    this.#deciding = true;
    this.#run(this.#options.transports.direct);
    const reachable = await this.#reachable();
    this.#deciding = false;
    if (!reachable && this.#position === undefined) this.#switchTo(this.#options.transports.sse);
  }

  /** Tries again now (the network came back, or the page became visible). */
  retryNow(): void {
    this.#active.retryNow();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#options.transports.direct.dispose();
    this.#options.transports.sse.dispose();
  }

  #run(transport: Transport): void {
    this.#active = transport;
    this.#failures = 0;
    clearInterval(this.#timer);
    if (transport.kind === 'sse' && this.#options.mode === 'auto') {
      this.#timer = setInterval(() => void this.#tryDirect(), this.#options.probeIntervalMs);
      (this.#timer as { unref?: () => void }).unref?.();
    }
    transport.start(
      {
        onSync: (response, initial) => {
          if (this.#active !== transport) return;
          this.#options.onSync(response, initial);
          this.#position = response.next_batch;
        },
        onStatus: (status, error) => {
          if (this.#active !== transport) return;
          if (status === 'live') this.#failures = 0;
          if (this.#deciding && status === 'reconnecting') return;
          this.#options.onStatus(status === 'live' && transport.kind === 'sse' ? 'fallback' : status, error);
          if (
            transport.kind === 'direct' &&
            status === 'reconnecting' &&
            error?.code === 'CHAT_HOMESERVER_UNREACHABLE'
          ) {
            this.#failures++;
            if (this.#failures >= (this.#options.failuresBeforeFallback ?? 2)) void this.#tryFallback();
          }
        },
        ...(this.#options.onHandlerError ? { onHandlerError: this.#options.onHandlerError } : {}),
      },
      this.#position,
    );
  }

  async #tryFallback(): Promise<void> {
    if (this.#options.mode !== 'auto' || this.#active.kind === 'sse' || (await this.#reachable())) return;
    this.#switchTo(this.#options.transports.sse);
  }

  async #tryDirect(): Promise<void> {
    if (this.#active.kind === 'direct' || !(await this.#reachable())) return;
    this.#switchTo(this.#options.transports.direct);
  }

  #switchTo(next: Transport): void {
    if (this.#stopped || this.#active === next) return;
    this.#active.stop();
    this.#run(next);
  }

  async #reachable(): Promise<boolean> {
    if (this.#probing) return this.#active.kind === 'direct';
    this.#probing = true;
    try {
      return await this.#options.probe();
    } catch {
      return false;
    } finally {
      this.#probing = false;
    }
  }
}
