import type { HomeserverApi } from '../matrix/HomeserverApi.js';
import type { NetworkSignals } from '../sync/networkSignals.js';
import { SyncLoop } from '../sync/SyncLoop.js';
import { requestsOf, type Transport, type TransportSink } from './Transport.js';

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
    dispose() {
      loop?.stop();
      api.abortAll();
    },
    ...requestsOf(api),
  };
}
