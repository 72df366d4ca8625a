import { ChatSdkError, type ChatSdkErrorCode } from '../ChatSdkError.js';

/** What `POST /v1/session` answers: a Matrix session for one device of the signed-in host user. */
export interface BrokerSession {
  userId: string;
  deviceId: string;
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  homeserverUrl: string;
}

export type EntityQuery = { kind: 'group' | 'event'; id: string } | { kind: 'group' | 'event'; slug: string };

export interface BrokerApiOptions {
  brokerUrl: string;
  /**
   * The host session's JWT, sent as a Bearer token; called before every broker request so a
   * host that refreshes its own token just returns the current one. Omit it when the broker
   * reads the host's session cookie (then requests carry credentials).
   */
  getHostToken?: () => string | undefined | Promise<string | undefined>;
  fetch?: typeof globalThis.fetch;
}

/** The broker's browser-facing endpoints; every failure is a `ChatSdkError`. */
export class BrokerApi {
  readonly #base: string;

  readonly #options: BrokerApiOptions;

  constructor(options: BrokerApiOptions) {
    this.#options = options;
    this.#base = options.brokerUrl.replace(/\/+$/, '');
  }

  session(deviceKey: string, staleAccessToken?: string, signal?: AbortSignal): Promise<BrokerSession> {
    return this.#request(
      'POST',
      '/v1/session',
      { deviceKey, ...(staleAccessToken ? { staleAccessToken } : {}) },
      signal,
    );
  }

  lookupRoom(query: EntityQuery): Promise<{ roomId: string; alias: string }> {
    const params = new URLSearchParams({ kind: query.kind });
    if ('id' in query) params.set('id', query.id);
    else params.set('slug', query.slug);
    return this.#request('GET', `/v1/rooms/lookup?${params}`);
  }

  directRoom(hostUserId: string): Promise<{ roomId: string; created: boolean }> {
    return this.#request('POST', '/v1/rooms/dm', { userId: hostUserId });
  }

  /** A one-time, short-lived ticket that opens this device's SSE stream (never a token in a URL). */
  sseTicket(deviceKey: string, signal?: AbortSignal): Promise<{ ticket: string; expiresInMs: number }> {
    return this.#request('POST', '/v1/sse/ticket', { deviceKey }, signal);
  }

  /** The URL of the SSE stream for a ticket; `since` starts it at a Matrix sync position. */
  sseStreamUrl(ticket: string, since?: string): string {
    const query = new URLSearchParams({ ticket });
    if (since) query.set('since', since);
    return `${this.#base}/api/matrix/events?${query}`;
  }

  /** Where the broker relays client-server requests in SSE mode (the SDK's request base URL). */
  proxyBaseUrl(): string {
    return `${this.#base}/api/matrix/proxy`;
  }

  async #request<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const hostToken = await this.#options.getHostToken?.();
    if (hostToken) headers.authorization = `Bearer ${hostToken}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await (this.#options.fetch ?? globalThis.fetch)(`${this.#base}${path}`, {
        method,
        headers,
        // Cookie-authenticated hosts: the broker reads the host's session cookie.
        credentials: hostToken ? 'omit' : 'include',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw new ChatSdkError('CHAT_ABORTED', 'Broker request aborted', { cause: error });
      throw new ChatSdkError('CHAT_BROKER_UNREACHABLE', 'The chat broker could not be reached', {
        cause: error,
      });
    }
    const payload = (await response.json().catch(() => undefined)) as
      | { error?: { code?: unknown; message?: unknown } }
      | undefined;
    if (response.ok) return payload as T;
    const serverCode = typeof payload?.error?.code === 'string' ? payload.error.code : undefined;
    const message =
      typeof payload?.error?.message === 'string' ? payload.error.message : `HTTP ${response.status}`;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ChatSdkError(codeFor(response.status, serverCode), message, {
      status: response.status,
      ...(serverCode ? { serverCode } : {}),
      ...(Number.isFinite(retryAfter) && retryAfter >= 0 && response.headers.has('retry-after')
        ? { retryAfterMs: retryAfter * 1000 }
        : {}),
    });
  }
}

function codeFor(status: number, serverCode: string | undefined): ChatSdkErrorCode {
  if (status === 401) return 'CHAT_UNAUTHORIZED';
  if (status === 403) return 'CHAT_FORBIDDEN';
  if (serverCode === 'OM_ROOM_NOT_FOUND') return 'CHAT_ROOM_NOT_FOUND';
  if (serverCode === 'OM_USER_NOT_FOUND') return 'CHAT_USER_NOT_FOUND';
  if (status === 429) return 'CHAT_RATE_LIMITED';
  if (status === 400) return 'CHAT_BAD_INPUT';
  if (status >= 500) return 'CHAT_BROKER_UNREACHABLE';
  return 'CHAT_SERVER_ERROR';
}
