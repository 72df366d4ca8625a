import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BrokerConfig } from '../config/loadConfig.js';
import type { Services } from '../createServices.js';
import { BrokerError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { matchProxyRoute, type ProxyMethod, type ProxyTarget } from '../proxy/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on `/api/matrix/proxy/*` once the request is on the allowlist. */
    proxyTarget: ProxyTarget | undefined;
    /** A digest of the caller's Matrix token: the rate limit's key for proxied requests. */
    proxyCaller: string | undefined;
  }
}

export const PROXY_PREFIX = '/api/matrix/proxy';

/** Request headers Synapse gets; never cookies, never the host session. */
const FORWARDED_HEADERS = ['content-type', 'content-length', 'accept'] as const;
/** Response headers the browser gets; never `set-cookie`. */
const RETURNED_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-disposition',
  'cache-control',
  'retry-after',
] as const;
/** Media is served from the broker's origin: it must never run there (Synapse sends the same). */
const MEDIA_HEADERS = {
  'content-security-policy':
    "sandbox; default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; media-src 'self'; object-src 'self'",
  'x-content-type-options': 'nosniff',
};
const BEARER = /^Bearer +([\x21-\x7E]{1,4096})$/i;
/** A host session JWT is never sent on to the homeserver, even by mistake. */
const JWT = /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/;

export interface ProxyRouteOptions {
  services: Services;
  metrics: Metrics;
  limits: BrokerConfig['proxy'] & { bodyLimitBytes: number };
}

/**
 * The SSE fallback's request proxy: allowlisted client-server calls relayed unchanged to Synapse
 * with the browser's own Matrix token (so Synapse authenticates them and transaction ids stay the
 * device's), bodies and answers streamed both ways. See the README, SSE fallback.
 */
export async function proxyRoutes(app: FastifyInstance, opts: ProxyRouteOptions) {
  const { services, metrics, limits } = opts;
  app.decorateRequest('proxyTarget', undefined);
  app.decorateRequest('proxyCaller', undefined);
  // Bodies are relayed as they arrive, whatever their type, never parsed or buffered here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.addHook('onResponse', async (request, reply) => {
    metrics.proxyRequests.inc({
      route: request.proxyTarget?.route.pattern ?? 'not allowed',
      status: String(reply.statusCode),
    });
  });

  app.route({
    // Not `all`: OPTIONS stays with the CORS preflight handler.
    method: ['GET', 'PUT', 'POST', 'DELETE'],
    url: `${PROXY_PREFIX}/*`,
    exposeHeadRoute: false,
    schema: {
      tags: ['sse'],
      summary: 'Allowlisted Matrix client-server calls, relayed to the homeserver (see the README)',
      security: [{ matrixToken: [] }],
    },
    onRequest: async (request) => {
      const { path } = splitUrl(request.url);
      const target = matchProxyRoute(request.method, path);
      if (!target) throw new BrokerError('OM_PROXY_NOT_ALLOWED');
      request.proxyTarget = target;
      const token = bearerOf(request);
      if (token === undefined) throw new BrokerError('OM_PROXY_AUTH_MISSING');
      await services.authFailures.check(request.ip);
      request.proxyCaller = createHash('sha256').update(token).digest('base64url').slice(0, 22);
    },
    handler: async (request, reply) => {
      const target = request.proxyTarget;
      const token = bearerOf(request);
      if (!target || token === undefined) throw new Error('the proxy onRequest hook did not run');
      const { media } = target.route;
      const maxBodyBytes = media ? limits.uploadMaxBytes : limits.bodyLimitBytes;
      if (Number(request.headers['content-length']) > maxBodyBytes) {
        reply.header('connection', 'close');
        throw new BrokerError('OM_BODY_TOO_LARGE');
      }
      const body = request.body instanceof Readable ? request.body : undefined;
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      for (const name of FORWARDED_HEADERS) {
        const value = request.headers[name];
        if (typeof value === 'string' && (body || name === 'accept')) headers[name] = value;
      }
      const gone = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) gone.abort();
      });
      let upstream: Awaited<ReturnType<typeof services.proxy.forward>>;
      try {
        upstream = await services.proxy.forward({
          method: request.method as ProxyMethod,
          path: `${target.path}${splitUrl(request.url).query}`,
          headers,
          body,
          maxBodyBytes,
          timeoutMs: media ? limits.mediaTimeoutMs : limits.timeoutMs,
          signal: gone.signal,
        });
      } finally {
        // Refused or answered early, the client may still be sending: do not wait for the rest.
        if (body && !body.readableEnded) reply.header('connection', 'close');
      }
      // A refused token counts against the client's IP like a failed sign-in.
      if (upstream.status === 401) await services.authFailures.record(request.ip);
      reply.status(upstream.status);
      for (const name of RETURNED_HEADERS) {
        const value = upstream.headers[name];
        if (value !== undefined) reply.header(name, value);
      }
      if (media) reply.headers(MEDIA_HEADERS);
      return reply.send(upstream.body);
    },
  });
}

function splitUrl(url: string): { path: string; query: string } {
  const rest = url.slice(PROXY_PREFIX.length);
  const q = rest.indexOf('?');
  return q === -1 ? { path: rest, query: '' } : { path: rest.slice(0, q), query: rest.slice(q) };
}

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
  return token === undefined || JWT.test(token) ? undefined : token;
}
