import type { FastifyInstance } from 'fastify';
import type { Services } from '../createServices.js';
import { BrokerError } from '../errors.js';
import { errorResponseSchema } from '../http/errorHandler.js';
import type { Metrics } from '../metrics.js';

const statusSchema = {
  type: 'object',
  properties: { status: { type: 'string' } },
  required: ['status'],
} as const;

export async function healthRoutes(app: FastifyInstance, opts: { services: Services; metrics: Metrics }) {
  const noLimit = { rateLimit: false } as const;

  app.get(
    '/healthz',
    {
      config: noLimit,
      schema: { tags: ['health'], summary: 'Process is alive', response: { 200: statusSchema } },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: noLimit,
      schema: {
        tags: ['health'],
        summary: 'Synapse and the state store are reachable',
        response: { 200: statusSchema, 503: errorResponseSchema },
      },
    },
    async () => {
      const [synapse, store] = await Promise.allSettled([
        opts.services.synapse.health(),
        opts.services.store.ping(),
      ]);
      if (synapse.status === 'rejected')
        throw new BrokerError('OM_SYNAPSE_UNAVAILABLE', { retryAfterSeconds: 5 });
      if (store.status === 'rejected')
        throw new BrokerError('OM_STORE_UNAVAILABLE', { retryAfterSeconds: 5 });
      return { status: 'ready' };
    },
  );

  app.get(
    '/metrics',
    { config: noLimit, schema: { tags: ['health'], summary: 'Prometheus metrics' } },
    async (_req, reply) => {
      reply.header('content-type', opts.metrics.registry.contentType);
      return opts.metrics.registry.metrics();
    },
  );
}
