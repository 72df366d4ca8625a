import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per app, so several brokers (tests) never share counters. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'openmeet_broker_' });
  return {
    registry,
    tokenMints: new Counter({
      name: 'openmeet_broker_token_mints_total',
      help: 'Matrix tokens handed out, by path (cached or freshly minted)',
      labelNames: ['path'] as const,
      registers: [registry],
    }),
    provisioning: new Counter({
      name: 'openmeet_broker_provisioning_calls_total',
      help: 'User provisioning through the Synapse admin API, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    avatarSyncs: new Counter({
      name: 'openmeet_broker_avatar_syncs_total',
      help: 'Host avatar syncs, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    synapseLatency: new Histogram({
      name: 'openmeet_broker_synapse_request_duration_seconds',
      help: 'Latency of calls to Synapse, by endpoint template and status',
      labelNames: ['endpoint', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'openmeet_broker_errors_total',
      help: 'Error responses, by stable error code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    sseStreams: new Gauge({
      name: 'openmeet_broker_sse_streams',
      help: 'Open SSE event streams on this instance',
      registers: [registry],
    }),
    sseLoops: new Gauge({
      name: 'openmeet_broker_sse_sync_loops',
      help: 'Per-user sync loops running on this instance',
      registers: [registry],
    }),
    sseEvents: new Counter({
      name: 'openmeet_broker_sse_events_sent_total',
      help: 'SSE events sent (batch markers included)',
      registers: [registry],
    }),
    sseResumes: new Counter({
      name: 'openmeet_broker_sse_resumes_total',
      help: 'Streams resumed from a valid Last-Event-ID cursor',
      registers: [registry],
    }),
    sseDrops: new Counter({
      name: 'openmeet_broker_sse_drops_total',
      help: 'Streams dropped because the client did not keep up (slow consumer)',
      registers: [registry],
    }),
    sseResyncs: new Counter({
      name: 'openmeet_broker_sse_resyncs_total',
      help: 'Resync markers sent, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    proxyRequests: new Counter({
      name: 'openmeet_broker_proxy_requests_total',
      help: 'Requests relayed to Synapse by the SSE fallback proxy, by allowlisted route pattern and status',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
