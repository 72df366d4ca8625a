import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../createServices.js';
import { apiSecurityHeaders } from '../http/apiSecurityHeaders.js';
import { authenticate } from '../http/authenticate.js';
import { errorResponseSchema } from '../http/errorHandler.js';
import { releaseFastify } from '../http/releaseFastify.js';
import { SSE_COOKIE, sseAuth } from '../http/sseAuth.js';
import {
  allowedCorsOrigin,
  eventStreamHead,
  type SseGrant,
  type StreamStart,
  type UserSync,
} from '../sse/index.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false` turns `@fastify/cors` off for a route (read by the plugin, not typed by it). */
    cors?: false;
  }
}

const errors = { '4xx': errorResponseSchema, '5xx': errorResponseSchema };
const deviceKeyBody = {
  type: 'object',
  properties: {
    deviceKey: {
      type: 'string',
      pattern: '^[A-Za-z0-9_-]{8,64}$',
      description: 'The browser device, as for POST /v1/session',
    },
  },
  required: ['deviceKey'],
  additionalProperties: false,
} as const;

/**
 * The SSE fallback for browsers that cannot reach the homeserver: credentials (a cookie session or
 * a one-time ticket, both obtained with the host session) and `GET /api/matrix/events`.
 */
export async function sseRoutes(
  app: FastifyInstance,
  opts: { services: Services; cookieName: string | undefined; corsOrigins: readonly string[] },
) {
  const { services } = opts;
  const { sseSessions: sessions, sse } = services;
  const hostAuth = authenticate(services.verifier, opts.cookieName, services.authFailures);
  const noStore = async (
    _request: FastifyRequest,
    reply: { headers(h: object): unknown },
    payload: unknown,
  ) => {
    reply.headers(apiSecurityHeaders);
    return payload;
  };
  const corsOrigins = new Set(opts.corsOrigins);
  // The events route answers CORS itself (its stream's head is written by hand): its errors too.
  const errorHeaders = async (
    request: FastifyRequest,
    reply: { headers(h: object): unknown },
    payload: unknown,
  ) => {
    reply.headers(apiSecurityHeaders);
    const origin = allowedCorsOrigin(request.headers.origin, corsOrigins);
    reply.headers(
      origin === undefined
        ? { vary: 'Origin' }
        : {
            vary: 'Origin',
            'access-control-allow-origin': origin,
            'access-control-allow-credentials': 'true',
          },
    );
    return payload;
  };
  const signedInUser = async (request: FastifyRequest) => {
    const identity = request.hostIdentity;
    if (!identity) throw new Error('authenticate hook did not run');
    return services.provisioner.ensure(identity);
  };

  app.post<{ Body: { deviceKey: string } }>(
    '/v1/sse/session',
    {
      onRequest: hostAuth,
      onSend: noStore,
      schema: {
        tags: ['sse'],
        summary: `Start an SSE session: sets the HttpOnly cookie ${SSE_COOKIE} and returns its CSRF token`,
        security: [{ hostSession: [] }],
        body: deviceKeyBody,
        response: {
          200: {
            type: 'object',
            properties: {
              csrfToken: { type: 'string', description: 'Send as X-OpenMeet-CSRF on state-changing calls' },
              expiresAt: { type: 'integer', description: 'epoch milliseconds' },
            },
            required: ['csrfToken', 'expiresAt'],
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const userId = await signedInUser(request);
      const session = await sessions.createSession(userId, request.body.deviceKey);
      reply.setCookie(SSE_COOKIE, session.id, {
        path: '/',
        httpOnly: true,
        // Browsers accept Secure cookies on http://localhost too.
        secure: true,
        sameSite: 'strict',
        maxAge: Math.floor(sessions.sessionTtlMs / 1000),
      });
      return { csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    },
  );

  app.post<{ Body: { deviceKey: string } }>(
    '/v1/sse/ticket',
    {
      onRequest: hostAuth,
      onSend: noStore,
      schema: {
        tags: ['sse'],
        summary: 'A one-time ticket for GET /api/matrix/events?ticket=…, valid about a minute',
        security: [{ hostSession: [] }],
        body: deviceKeyBody,
        response: {
          200: {
            type: 'object',
            properties: { ticket: { type: 'string' }, expiresInMs: { type: 'integer' } },
            required: ['ticket', 'expiresInMs'],
          },
          ...errors,
        },
      },
    },
    async (request) => sessions.createTicket(await signedInUser(request), request.body.deviceKey),
  );

  app.delete(
    '/v1/sse/session',
    {
      onRequest: sseAuth({
        sessions,
        limiter: services.authFailures,
        csrf: { allowedOrigins: opts.corsOrigins },
      }),
      schema: {
        tags: ['sse'],
        summary: 'End the SSE session of this cookie (its open streams close within seconds)',
        security: [{ sseCookie: [], sseCsrf: [] }],
        response: { 204: { type: 'null', description: 'ended' }, ...errors },
      },
    },
    async (request, reply) => {
      await sessions.endSession(grantOf(request));
      reply.clearCookie(SSE_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'strict' });
      return reply.status(204).send();
    },
  );

  app.get<{ Querystring: { ticket?: string; lastEventId?: string; since?: string } }>(
    '/api/matrix/events',
    {
      // What helmet and @fastify/cors would add sits in the stream's fixed head instead (errors get
      // it from `errorHeaders`); headers set on the reply would be kept for the stream's whole life.
      helmet: false,
      config: { cors: false },
      // A HEAD would get the stream's body: the head is written by hand.
      exposeHeadRoute: false,
      onRequest: sseAuth({ sessions, limiter: services.authFailures, allowTicket: true }),
      onSend: errorHeaders,
      schema: {
        tags: ['sse'],
        summary: "The user's Matrix events as Server-Sent Events (see the README, SSE fallback)",
        security: [{ sseCookie: [] }, { sseTicket: [] }],
        querystring: {
          type: 'object',
          properties: {
            ticket: {
              type: 'string',
              maxLength: 128,
              description: 'one-time ticket from POST /v1/sse/ticket',
            },
            lastEventId: {
              type: 'string',
              maxLength: 4096,
              description: 'resume after this event id (the Last-Event-ID header wins)',
            },
            since: {
              type: 'string',
              minLength: 1,
              maxLength: 1024,
              description:
                'without a Last-Event-ID: start after this Matrix sync position (a next_batch from /sync)',
            },
          },
        },
        headers: {
          type: 'object',
          properties: { 'last-event-id': { type: 'string', maxLength: 4096 } },
        },
        response: {
          200: {
            description: 'text/event-stream: events named by Matrix type, org.openmeet.* markers',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const grant = grantOf(request);
      const lease = await sse.reserve(grant.userId);
      const loop = sse.loopFor(grant);
      let start: StreamStart;
      try {
        const lastEventId = lastEventIdOf(request);
        start =
          lastEventId === undefined && request.query.since !== undefined
            ? { since: request.query.since }
            : await startOf(loop, grant, lastEventId, services);
      } catch (err) {
        sse.discardIfUnused(loop);
        sse.release(lease);
        throw err;
      }
      // From here on the connection is ours: errors can only end the stream.
      reply.hijack();
      const { socket } = reply.raw;
      if (!socket) {
        sse.discardIfUnused(loop);
        sse.release(lease);
        return;
      }
      socket.write(eventStreamHead(allowedCorsOrigin(request.headers.origin, corsOrigins)));
      releaseFastify(reply.raw);
      // The connection is ours now: neither this handler nor Fastify holds anything for the
      // stream's life (only what the end's log line needs is captured).
      const reqId = request.id;
      const opened = performance.now();
      sse.stream(socket, grant, loop, start, lease, () =>
        app.log.info({ reqId, responseTime: performance.now() - opened }, 'event stream ended'),
      );
    },
  );
}

function grantOf(request: FastifyRequest): SseGrant {
  if (!request.sseGrant) throw new Error('sseAuth hook did not run');
  return request.sseGrant;
}

function lastEventIdOf(request: FastifyRequest<{ Querystring: { lastEventId?: string } }>) {
  const header = request.headers['last-event-id'];
  const value = typeof header === 'string' && header !== '' ? header : request.query.lastEventId;
  return value === '' ? undefined : value;
}

/**
 * Where a stream starts: after a valid cursor (inside a stored batch, or with the batch after a sync
 * position); with a fresh initial sync when there is none; with a resync marker and a fresh initial
 * sync when the cursor is unknown, expired, forged or another user's.
 */
async function startOf(
  loop: UserSync,
  grant: SseGrant,
  lastEventId: string | undefined,
  services: Services,
): Promise<StreamStart> {
  if (lastEventId === undefined) return { batch: await loop.initial(), fromIndex: 0 };
  const position = services.sse.cursor.decode(grant.userId, lastEventId);
  if (position?.index === -1 && position.batch.startsWith('s:')) {
    services.sse.resumed();
    return { since: position.batch.slice(2) };
  }
  if (position && position.index >= 0) {
    const batch = await loop.stored(position.batch);
    if (batch && position.index < batch.events.length) {
      services.sse.resumed();
      return { batch, fromIndex: position.index + 1 };
    }
  }
  return { batch: await loop.initial(), fromIndex: 0, resync: 'unknown cursor' };
}
