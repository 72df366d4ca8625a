import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { BrokerConfig } from './config/loadConfig.js';
import { createServices, type ServiceOverrides, type Services } from './createServices.js';
import { BrokerError } from './errors.js';
import { registerErrorHandling } from './http/errorHandler.js';
import { redactUrl } from './http/redactUrl.js';
import { createMetrics } from './metrics.js';
import { devRoutes } from './routes/devRoutes.js';
import { healthRoutes } from './routes/healthRoutes.js';
import { hostEventRoutes } from './routes/hostEventRoutes.js';
import { membershipRoutes } from './routes/membershipRoutes.js';
import { opsRoutes } from './routes/opsRoutes.js';
import { proxyRoutes } from './routes/proxyRoutes.js';
import { roomRoutes } from './routes/roomRoutes.js';
import { sessionRoutes } from './routes/sessionRoutes.js';
import { sseRoutes } from './routes/sseRoutes.js';
import { RedisStore } from './store/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export interface BuildAppOptions extends ServiceOverrides {
  /** A pino destination, e.g. to capture logs in tests. */
  logStream?: { write(line: string): void };
}

function loggerOptions(
  config: BrokerConfig,
  stream: BuildAppOptions['logStream'],
): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    // Credentials never reach a log line, wherever they hide.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.accessToken',
        '*.access_token',
        '*.token',
      ],
      censor: '[REDACTED]',
    },
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        remoteAddress: request.ip,
      }),
    },
  };
}

/** Builds the broker without listening: tests drive it with `app.inject()`, `server.ts` listens. */
export function buildApp(config: BrokerConfig, options: BuildAppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    // Fastify's JSON parser rejects __proto__ and constructor.prototype keys with a 400.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  const metrics = createMetrics();
  const services = createServices(config, metrics, options);
  app.decorate('services', services);
  app.decorateRequest('hostIdentity', undefined);
  // Open event streams would hold the server open: end them before it closes (clients resume elsewhere).
  app.addHook('preClose', async () => services.sse.close());
  app.addHook('onClose', () => services.close());
  registerErrorHandling(app, (code) => metrics.errors.inc({ code }));

  app.register(helmet, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  });
  app.register(cors, {
    origin: config.corsOrigins,
    credentials: true,
    maxAge: 600,
    // The default (GET, HEAD, POST) fails the preflight of the proxy's PUTs and DELETEs; OPTIONS lets
    // the chat SDK preflight a message's send URL while the user types (its answer is then cached).
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    // ...whose own OPTIONS request (sent once its preflight passed) then gets a 204, not a 400.
    strictPreflight: false,
    // Cross-origin scripts read only safelisted headers unless told; the proxy relays these two.
    exposedHeaders: ['retry-after', 'content-disposition'],
  });
  app.register(cookie);
  app.register(underPressure, {
    // 0 turns shedding off (test suites that share a small machine with Synapse and other suites).
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    retryAfter: 10,
    pressureHandler: (_request, reply) => {
      reply.header('retry-after', '10');
      reply.status(503).send({ error: { code: 'OM_OVERLOADED', message: 'The broker is overloaded' } });
    },
  });
  app.register(rateLimit, {
    global: true,
    // After route `onRequest` hooks, so authenticated routes are limited per user, not per IP.
    hook: 'preHandler',
    max: config.rateLimitPerMinute,
    allowList: (request) => request.url.startsWith('/docs'),
    timeWindow: 60_000,
    keyGenerator: (request) =>
      request.hostIdentity
        ? `user:${request.hostIdentity.hostUserId}`
        : request.sseGrant
          ? `matrix:${request.sseGrant.userId}`
          : request.proxyCaller
            ? `matrix-token:${request.proxyCaller}`
            : `ip:${request.ip}`,
    // A Redis hiccup must not take sign-in down with it: limits fail open, revocation fails closed.
    skipOnError: true,
    ...(services.store instanceof RedisStore ? { redis: services.store.redis, nameSpace: 'ratelimit:' } : {}),
    errorResponseBuilder: (_request, context) =>
      new BrokerError('OM_RATE_LIMITED', { retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)) }),
  });
  app.register(swagger, {
    openapi: {
      info: { title: 'OpenMeet Chat broker', version: '0.1.0' },
      components: {
        securitySchemes: {
          hostSession: { type: 'http', scheme: 'bearer', description: "The host app's session JWT" },
          ops: { type: 'http', scheme: 'bearer', description: 'The ops credential' },
          matrixToken: {
            type: 'http',
            scheme: 'bearer',
            description: "The user's own Matrix access token (from POST /v1/session)",
          },
          sseCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'om_sse',
            description: 'The SSE session set by POST /v1/sse/session',
          },
          sseCsrf: {
            type: 'apiKey',
            in: 'header',
            name: 'X-OpenMeet-CSRF',
            description: "The SSE session's csrfToken (with an allowed Origin) on state-changing calls",
          },
          sseTicket: {
            type: 'apiKey',
            in: 'query',
            name: 'ticket',
            description: 'A one-time ticket from POST /v1/sse/ticket',
          },
          hostSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'X-OpenMeet-Signature',
            description:
              'v1=<hex HMAC-SHA256 of "<X-OpenMeet-Timestamp>.<raw body>"> with the webhook secret',
          },
        },
      },
    },
  });
  app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  app.register(healthRoutes, { services, metrics });
  app.register(sessionRoutes, { services, cookieName: config.hostTokenCookie });
  app.register(roomRoutes, { services, cookieName: config.hostTokenCookie });
  app.register(sseRoutes, { services, cookieName: config.hostTokenCookie, corsOrigins: config.corsOrigins });
  app.register(proxyRoutes, {
    services,
    metrics,
    limits: { ...config.proxy, bodyLimitBytes: config.bodyLimitBytes },
  });
  if (services.devIssuer)
    app.register(devRoutes, { issuer: services.devIssuer, users: config.devIdentity.users });
  app.register(opsRoutes, { services, prefix: '/v1/ops' });
  app.register(membershipRoutes, { services, bodyLimit: config.webhook.bodyLimitBytes });
  app.register(hostEventRoutes, { services, bodyLimit: config.webhook.bodyLimitBytes });
  return app;
}
