import type { BrokerApi } from '../broker/BrokerApi.js';
import type { HomeserverApi } from '../matrix/HomeserverApi.js';
import type { NetworkSignals } from '../sync/networkSignals.js';
import { SseSyncStream } from './sse/SseSyncStream.js';
import { requestsOf, type Transport, type TransportSink } from './Transport.js';

export interface SseTransportOptions {
  broker: BrokerApi;
  deviceKey: string;
  /** Requests relayed by the broker (`<brokerUrl>/api/matrix/proxy`), with this device's token. */
  api: HomeserverApi;
  fetch?: typeof globalThis.fetch;
  network?: NetworkSignals;
}

/**
 * For networks that block the homeserver: events arrive over the broker's SSE stream, requests go
 * through the broker's allowlisted relay with the same device token, so transaction ids, receipts
 * and everything else behave exactly as in direct mode.
 */
export function createSseTransport(options: SseTransportOptions): Transport {
  const { api } = options;
  let stream: SseSyncStream | undefined;
  return {
    kind: 'sse',
    start(sink: TransportSink, since?: string) {
      stream?.stop();
      stream = new SseSyncStream({
        broker: options.broker,
        deviceKey: options.deviceKey,
        sink,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.network ? { network: options.network } : {}),
      });
      stream.start(since ? { since } : {});
    },
    stop: () => stream?.stop(),
    retryNow: () => stream?.retryNow(),
    dispose() {
      stream?.stop();
      api.abortAll();
    },
    ...requestsOf(api),
  };
}
