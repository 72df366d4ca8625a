import { buildApp, loadConfig } from '@openmeet/broker';
import Fastify from 'fastify';
import type { BenchSynapse } from './synapse.js';

/** The host user every broker row signs in as (Matrix user `@om_bench:localhost`). */
export const BENCH_USER = 'bench';

export interface Server {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  fastifyVersion: string;
  close(): Promise<void>;
}

/** Baseline A: Fastify with nothing but one trivial route, to show what the framework alone costs here. */
export async function startBareFastify(): Promise<Server> {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ ok: true }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, fastifyVersion: app.version, close: () => app.close() };
}

/** The broker in dev identity mode with the memory store, listening on a free loopback port. */
export async function startBroker(
  synapse: BenchSynapse,
  extraEnv: Record<string, string> = {},
): Promise<Server> {
  const { testbed, asToken } = synapse;
  const app = buildApp(
    loadConfig({
      NODE_ENV: 'test',
      BROKER_LOG_LEVEL: 'silent',
      // The per-user limit would otherwise turn the load itself into 429s.
      BROKER_RATE_LIMIT_PER_MINUTE: '100000000',
      BROKER_DEV_IDENTITY: 'true',
      BROKER_DEV_USERS: BENCH_USER,
      MATRIX_HOMESERVER_URL: testbed.homeserverUrl,
      MATRIX_SERVER_NAME: testbed.serverName,
      SYNAPSE_ADMIN_TOKEN: testbed.adminToken,
      MATRIX_AS_TOKEN: asToken,
      ...extraEnv,
    }),
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, fastifyVersion: app.version, close: () => app.close() };
}
