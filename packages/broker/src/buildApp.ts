import Fastify, { type FastifyInstance } from 'fastify';

export interface BrokerConfig {
  /** pino level; `silent` in tests. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Builds the broker without listening, so tests drive it through `app.inject()`. */
export function buildApp(config: BrokerConfig): FastifyInstance {
  const app = Fastify({ logger: { level: config.logLevel } });
  app.get(
    '/healthz',
    {
      schema: {
        response: {
          200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] },
        },
      },
    },
    async () => ({ status: 'ok' }),
  );
  return app;
}
