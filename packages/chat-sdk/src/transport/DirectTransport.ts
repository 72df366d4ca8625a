import type { HomeserverApi } from '../matrix/HomeserverApi.js';
import type { NetworkSignals } from '../sync/networkSignals.js';
import { SyncLoop } from '../sync/SyncLoop.js';
import type { Transport, TransportSink } from './Transport.js';

export interface DirectTransportOptions {
  api: HomeserverApi;
  initialTimelineLimit?: number;
  network?: NetworkSignals;
}

/** The browser syncs with the homeserver itself, over matrix-js-sdk's HTTP layer. */
export function createDirectTransport(options: DirectTransportOptions): Transport {
  const { api } = options;
  let loop: SyncLoop | undefined;
  return {
    kind: 'direct',
    start(sink: TransportSink, since?: string) {
      loop?.stop();
      loop = new SyncLoop({
        api,
        onSync: (response, initial) => sink.onSync(response, initial),
        onStatus: (status, error) => sink.onStatus(status, error),
        ...(sink.onHandlerError ? { onHandlerError: (error: unknown) => sink.onHandlerError?.(error) } : {}),
        ...(since === undefined ? {} : { since }),
        ...(options.initialTimelineLimit === undefined
          ? {}
          : { initialTimelineLimit: options.initialTimelineLimit }),
        ...(options.network ? { network: options.network } : {}),
      });
      loop.start();
    },
    stop: () => loop?.stop(),
    retryNow: () => loop?.retryNow(),
    position: () => loop?.position,
    dispose() {
      loop?.stop();
      api.abortAll();
    },
    sendEvent: (...args) => api.sendEvent(...args),
    redact: (...args) => api.redact(...args),
    messages: (...args) => api.messages(...args),
    event: (...args) => api.event(...args),
    joinRoom: (...args) => api.joinRoom(...args),
    members: (...args) => api.members(...args),
    typing: (...args) => api.typing(...args),
    receipt: (...args) => api.receipt(...args),
    readMarkers: (...args) => api.readMarkers(...args),
    pushRule: (...args) => api.pushRule(...args),
    pushRules: (...args) => api.pushRules(...args),
    search: (...args) => api.search(...args),
    profile: (...args) => api.profile(...args),
    upload: (...args) => api.upload(...args),
    media: (...args) => api.media(...args),
    urlPreview: (...args) => api.urlPreview(...args),
  };
}
