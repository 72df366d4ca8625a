import type { ChatSdkError } from '../ChatSdkError.js';
import type { HomeserverApi } from '../matrix/HomeserverApi.js';
import type { SyncStatus } from '../sync/SyncLoop.js';
import type { SyncResponse } from '../sync/SyncResponse.js';

export interface TransportSink {
  /** Each sync response in order; `initial` when it starts from nothing. */
  onSync(response: SyncResponse, initial: boolean): void;
  onStatus(status: SyncStatus, error?: ChatSdkError): void;
  onHandlerError?(error: unknown): void;
}

/** The requests the client makes, with the homeserver's semantics, whatever carries them. */
export type TransportRequests = Pick<
  HomeserverApi,
  | 'sendEvent'
  | 'warmSend'
  | 'redact'
  | 'messages'
  | 'event'
  | 'joinRoom'
  | 'typing'
  | 'readMarkers'
  | 'pushRule'
  | 'search'
  | 'upload'
  | 'media'
  | 'urlPreview'
>;

/**
 * How the client reaches Matrix: `direct` (the browser talks to the homeserver) or `sse` (the
 * broker's event stream and proxy endpoints, for networks that block the homeserver). Chosen in
 * one place (the client); the store cannot tell them apart: both deliver `/sync`-shaped data.
 */
export interface Transport extends TransportRequests {
  readonly kind: 'direct' | 'sse';
  /** Starts delivering sync responses, from the Matrix sync position `since` when given. */
  start(sink: TransportSink, since?: string): void;
  stop(): void;
  /** Skip a backoff wait (the network came back). */
  retryNow(): void;
  /** Stops everything for good (close). */
  dispose(): void;
}

/** The requests of a transport, made with one `HomeserverApi` (the homeserver's, or the broker's relay). */
export function requestsOf(api: HomeserverApi): TransportRequests {
  return {
    sendEvent: (...args) => api.sendEvent(...args),
    warmSend: (...args) => api.warmSend(...args),
    redact: (...args) => api.redact(...args),
    messages: (...args) => api.messages(...args),
    event: (...args) => api.event(...args),
    joinRoom: (...args) => api.joinRoom(...args),
    typing: (...args) => api.typing(...args),
    readMarkers: (...args) => api.readMarkers(...args),
    pushRule: (...args) => api.pushRule(...args),
    search: (...args) => api.search(...args),
    upload: (...args) => api.upload(...args),
    media: (...args) => api.media(...args),
    urlPreview: (...args) => api.urlPreview(...args),
  };
}
