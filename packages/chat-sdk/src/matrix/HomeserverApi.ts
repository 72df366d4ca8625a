import { ChatSdkError } from '../ChatSdkError.js';
import type { SyncResponse } from '../sync/SyncResponse.js';
import type { RawEvent } from '../timeline/types.js';
import { toChatSdkError } from './toChatSdkError.js';

type HttpApiModule = typeof import('matrix-js-sdk/lib/http-api/index.js');
type MatrixHttpApi = InstanceType<HttpApiModule['MatrixHttpApi']>;
type Method = HttpApiModule['Method'][keyof HttpApiModule['Method']];
interface LoadedHttp {
  api: MatrixHttpApi;
  module: HttpApiModule;
}

/** Where the access token comes from, and how a refused one is replaced. */
export interface TokenSource {
  accessToken(): string;
  /** Called with the token the homeserver refused (`M_UNKNOWN_TOKEN`); resolves with a fresh one. */
  refresh(staleAccessToken: string): Promise<string>;
}

export interface MessagesResponse {
  chunk: RawEvent[];
  start?: string;
  end?: string;
  state?: RawEvent[];
}

export interface UploadOptions {
  name?: string;
  type?: string;
  onProgress?: (progress: { loaded: number; total: number }) => void;
  signal?: AbortSignal;
}

const enc = encodeURIComponent;

/** The path of a send: `sendEvent` requests it, `warmSend` preflights the same URL. */
const sendPath = (roomId: string, type: string, txnId: string) =>
  `/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txnId)}`;

let httpLayer:
  | Promise<
      [
        typeof import('matrix-js-sdk/lib/http-api/index.js'),
        typeof import('matrix-js-sdk/lib/models/typed-event-emitter.js'),
      ]
    >
  | undefined;

/**
 * matrix-js-sdk's HTTP layer, downloaded once. Call it early (the client does when it starts
 * connecting) so the first request does not wait for the download after the broker answered.
 */
export function loadHttpLayer() {
  httpLayer ??= Promise.all([
    import('matrix-js-sdk/lib/http-api/index.js'),
    import('matrix-js-sdk/lib/models/typed-event-emitter.js'),
  ]);
  // A failed download is tried again by the next caller.
  httpLayer.catch(() => {
    httpLayer = undefined;
  });
  return httpLayer;
}

export interface HomeserverApiOptions {
  baseUrl: string;
  tokens: TokenSource;
  fetch?: typeof globalThis.fetch;
}

/**
 * One short method per homeserver endpoint the SDK uses, over matrix-js-sdk's HTTP layer (loaded
 * on first use, so a page that never opens chat never downloads it). Every failure is a
 * `ChatSdkError`; a refused token is refreshed once and the call repeated.
 */
export class HomeserverApi {
  #http: Promise<LoadedHttp> | undefined;
  /** The HTTP layer once loaded: requests then start synchronously. */
  #loaded: LoadedHttp | undefined;

  readonly #options: HomeserverApiOptions;

  constructor(options: HomeserverApiOptions) {
    this.#options = options;
  }

  /** Aborts every request in flight (close). */
  abortAll(): void {
    void this.#http?.then(({ api }) => api.abort());
  }

  sync(
    params: { since?: string; timeout: number; filter?: string; fullState?: boolean },
    signal?: AbortSignal,
  ): Promise<SyncResponse> {
    const query: Record<string, string> = { timeout: String(params.timeout) };
    if (params.since) query.since = params.since;
    if (params.filter) query.filter = params.filter;
    if (params.fullState) query.full_state = 'true';
    // The long poll plus a margin: a silent network drop must not hang the loop.
    return this.#call('sync', 'GET', '/sync', query, undefined, signal, params.timeout + 15_000);
  }

  sendEvent(
    roomId: string,
    type: string,
    txnId: string,
    content: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<{ event_id: string }> {
    return this.#call('send', 'PUT', sendPath(roomId, type, txnId), {}, content, signal);
  }

  /**
   * Has the browser preflight `sendEvent`'s URL now, while nothing waits for it (see `SendWarmer`):
   * an `OPTIONS` request with the send's own headers, which servers answer without acting on it.
   * Skipped where no preflight would happen (outside a browser, a same-origin homeserver) and before
   * the HTTP layer has loaded; failures are ignored, the send then preflights as usual.
   */
  warmSend(roomId: string, type: string, txnId: string): void {
    const loaded = this.#loaded;
    const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
    if (loaded === undefined || origin === undefined) return;
    const url = loaded.api.getUrl(sendPath(roomId, type, txnId));
    if (url.origin === origin) return;
    const fetchFn = this.#options.fetch ?? globalThis.fetch;
    // The preflight is what counts; its answer is cached for the same URL, mode and credentials.
    fetchFn(url, {
      method: 'OPTIONS',
      mode: 'cors',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      headers: {
        Authorization: `Bearer ${this.#options.tokens.accessToken()}`,
        'Content-Type': 'application/json',
      },
    }).catch(() => undefined);
  }

  redact(
    roomId: string,
    eventId: string,
    txnId: string,
    reason?: string,
    signal?: AbortSignal,
  ): Promise<{ event_id: string }> {
    return this.#call(
      'delete',
      'PUT',
      `/rooms/${enc(roomId)}/redact/${enc(eventId)}/${enc(txnId)}`,
      {},
      reason ? { reason } : {},
      signal,
    );
  }

  messages(
    roomId: string,
    params: { from?: string; dir: 'b' | 'f'; limit: number; filter?: Record<string, unknown> },
  ): Promise<MessagesResponse> {
    const query: Record<string, string> = { dir: params.dir, limit: String(params.limit) };
    if (params.from) query.from = params.from;
    if (params.filter) query.filter = JSON.stringify(params.filter);
    return this.#call('history', 'GET', `/rooms/${enc(roomId)}/messages`, query);
  }

  event(roomId: string, eventId: string): Promise<RawEvent> {
    return this.#call('event', 'GET', `/rooms/${enc(roomId)}/event/${enc(eventId)}`);
  }

  joinRoom(roomIdOrAlias: string): Promise<{ room_id: string }> {
    return this.#call('join', 'POST', `/join/${enc(roomIdOrAlias)}`, {}, {});
  }

  typing(roomId: string, userId: string, typing: boolean, timeoutMs: number): Promise<unknown> {
    return this.#call(
      'typing',
      'PUT',
      `/rooms/${enc(roomId)}/typing/${enc(userId)}`,
      {},
      typing ? { typing, timeout: timeoutMs } : { typing },
    );
  }

  readMarkers(roomId: string, markers: { fullyRead?: string; read?: string }): Promise<unknown> {
    const body: Record<string, string> = {};
    if (markers.fullyRead) body['m.fully_read'] = markers.fullyRead;
    if (markers.read) body['m.read'] = markers.read;
    return this.#call('read marker', 'POST', `/rooms/${enc(roomId)}/read_markers`, {}, body);
  }

  /** GET/PUT/DELETE on `/pushrules/global/{kind}/{ruleId}` and its `enabled`/`actions`. */
  pushRule(
    method: 'PUT' | 'DELETE',
    kind: string,
    ruleId: string,
    body?: Record<string, unknown>,
  ): Promise<unknown> {
    return this.#call(
      'notification setting',
      method,
      `/pushrules/global/${enc(kind)}/${enc(ruleId)}`,
      {},
      body,
    );
  }

  search(body: Record<string, unknown>, nextBatch?: string): Promise<Record<string, unknown>> {
    return this.#call('search', 'POST', '/search', nextBatch ? { next_batch: nextBatch } : {}, body);
  }

  async upload(file: Blob, options: UploadOptions = {}): Promise<{ content_uri: string }> {
    const { api } = await this.#load();
    const abortController = new AbortController();
    const onAbort = () => abortController.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.#withToken('upload', api, () =>
        api.uploadContent(file as File, {
          ...(options.name === undefined ? {} : { name: options.name }),
          ...(options.type === undefined ? {} : { type: options.type }),
          ...(options.onProgress ? { progressHandler: options.onProgress } : {}),
          abortController,
        }),
      );
    } catch (error) {
      const failure = toChatSdkError(error, 'upload');
      if (failure.code === 'CHAT_EVENT_TOO_LARGE') {
        throw new ChatSdkError('CHAT_UPLOAD_TOO_LARGE', failure.message, {
          cause: failure.cause,
          ...(failure.status === undefined ? {} : { status: failure.status }),
        });
      }
      throw failure;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** An authenticated media download (`/_matrix/client/v1/media`), as a Blob. */
  async media(
    serverName: string,
    mediaId: string,
    thumbnail?: { width: number; height: number; method?: 'crop' | 'scale' },
    signal?: AbortSignal,
  ): Promise<Blob> {
    const path = thumbnail
      ? `/media/thumbnail/${enc(serverName)}/${enc(mediaId)}`
      : `/media/download/${enc(serverName)}/${enc(mediaId)}`;
    const query: Record<string, string> = thumbnail
      ? {
          width: String(thumbnail.width),
          height: String(thumbnail.height),
          method: thumbnail.method ?? 'scale',
        }
      : {};
    const { module } = await this.#load();
    return this.#call('media', 'GET', path, query, undefined, signal, undefined, {
      prefix: module.ClientPrefix.V1,
      rawResponseBody: true,
    });
  }

  async urlPreview(url: string, ts?: number): Promise<Record<string, unknown>> {
    const { module } = await this.#load();
    const query: Record<string, string> = { url };
    if (ts !== undefined) query.ts = String(ts);
    return this.#call('link preview', 'GET', '/media/preview_url', query, undefined, undefined, undefined, {
      prefix: module.ClientPrefix.V1,
    });
  }

  /**
   * Synchronous up to `fetch` once the HTTP layer has loaded: a message's request then leaves before
   * the UI renders its local echo (a render queued as a microtask would otherwise run first).
   */
  #call<T>(
    what: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    query: Record<string, string> = {},
    body?: unknown,
    signal?: AbortSignal,
    localTimeoutMs?: number,
    extra: { prefix?: string; rawResponseBody?: boolean } = {},
  ): Promise<T> {
    const run = ({ api }: LoadedHttp) =>
      this.#withToken(what, api, (token) =>
        api.requestOtherUrl<T>(
          method as Method,
          api.getUrl(path, { ...query }, extra.prefix),
          body as never,
          {
            headers: { Authorization: `Bearer ${token}` },
            ...(signal ? { abortSignal: signal } : {}),
            ...(localTimeoutMs ? { localTimeoutMs } : {}),
            ...(extra.rawResponseBody ? { rawResponseBody: true } : {}),
          },
        ),
      );
    const result = this.#loaded === undefined ? this.#load().then(run) : run(this.#loaded);
    return result.catch((error: unknown) => {
      throw toChatSdkError(error, what);
    });
  }

  /** Runs `request` with the current token; once more with a fresh one if it was refused. */
  async #withToken<T>(what: string, api: MatrixHttpApi, request: (token: string) => Promise<T>): Promise<T> {
    const token = this.#options.tokens.accessToken();
    api.opts.accessToken = token;
    try {
      return await request(token);
    } catch (error) {
      const errcode = (error as { errcode?: unknown } | null)?.errcode;
      if (errcode !== 'M_UNKNOWN_TOKEN') throw error;
      const fresh = await this.#options.tokens.refresh(token).catch((refreshError: unknown) => {
        throw toChatSdkError(refreshError, what);
      });
      api.opts.accessToken = fresh;
      return request(fresh);
    }
  }

  #load(): Promise<LoadedHttp> {
    if (this.#http !== undefined) return this.#http;
    this.#http = loadHttpLayer().then(([module, { TypedEventEmitter }]) => {
      this.#loaded = {
        module,
        api: new module.MatrixHttpApi(new TypedEventEmitter(), {
          baseUrl: this.#options.baseUrl,
          prefix: module.ClientPrefix.V3,
          onlyData: true,
          useAuthorizationHeader: true,
          accessToken: this.#options.tokens.accessToken(),
          ...(this.#options.fetch ? { fetchFn: this.#options.fetch } : {}),
        }),
      };
      return this.#loaded;
    });
    return this.#http;
  }
}
