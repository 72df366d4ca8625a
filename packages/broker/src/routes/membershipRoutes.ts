import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../createServices.js';
import { errorResponseSchema } from '../http/errorHandler.js';
import {
  type DesiredMembership,
  type MembershipChange,
  membershipEventsSchema,
  reconcileRequestSchema,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from '../membership/index.js';
import { toRouteSchema } from '../membership/membershipSchemas.js';
import { describeFailure } from '../membership/planReconciliation.js';

const errors = { '4xx': errorResponseSchema, '5xx': errorResponseSchema };
const failureSchema = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' } },
  required: ['code', 'message'],
} as const;
const memberRefSchema = {
  type: 'object',
  properties: { hostUserId: { type: 'string' }, userId: { type: 'string' } },
  required: ['userId'],
} as const;
const reportSchema = {
  type: 'object',
  properties: {
    entity: {
      type: 'object',
      properties: { kind: { type: 'string' }, id: { type: 'string' } },
      required: ['kind', 'id'],
    },
    roomId: { type: 'string' },
    added: { type: 'array', items: memberRefSchema },
    removed: { type: 'array', items: memberRefSchema },
    rolesChanged: {
      type: 'array',
      items: {
        type: 'object',
        properties: { ...memberRefSchema.properties, from: { type: 'integer' }, to: { type: 'integer' } },
        required: ['userId', 'from', 'to'],
      },
    },
    unchanged: { type: 'integer' },
    failed: {
      type: 'array',
      items: {
        type: 'object',
        properties: { ...memberRefSchema.properties, ...failureSchema.properties },
        required: ['code', 'message'],
      },
    },
    error: failureSchema,
  },
  required: ['entity', 'added', 'removed', 'rolesChanged', 'unchanged', 'failed'],
} as const;

const headerValue = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);
const EMPTY = new Uint8Array();

/**
 * Membership sync for the host app's backend (never the browser): HMAC-signed over the exact body
 * bytes, with a timestamp and replay protection (see WebhookVerifier). A request that fails
 * authentication changes nothing and counts against the caller's IP. Every call leaves one audit
 * line. Not mounted without a webhook secret.
 */
export async function membershipRoutes(
  app: FastifyInstance,
  opts: { services: Services; bodyLimit: number },
) {
  const { services } = opts;
  const verifier = services.webhook;
  if (!verifier) return;

  // The signature covers the bytes as sent: keep them (this plugin only) before JSON parsing.
  const rawBodies = new WeakMap<FastifyRequest, Uint8Array>();
  const targets = new WeakMap<FastifyRequest, string>();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    rawBodies.set(request, body as Buffer);
    // Fastify's own parser (poisoned keys refused) takes the Buffer, though its type says string.
    parseJson(request, body as string, done);
  });

  // After parsing (the raw bytes are known) and before validation: nothing about an unauthenticated
  // body is revealed, not even whether it is valid.
  app.addHook('preValidation', async (request) => {
    await services.authFailures.guard(request.ip, () =>
      verifier.verify({
        timestamp: headerValue(request.headers[TIMESTAMP_HEADER]),
        signature: headerValue(request.headers[SIGNATURE_HEADER]),
        body: rawBodies.get(request) ?? EMPTY,
      }),
    );
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        audit: {
          actor: 'host-webhook',
          action: `${request.method} ${request.routeOptions.url ?? request.url}`,
          target: targets.get(request),
          result: reply.statusCode,
        },
      },
      'membership audit',
    );
  });

  const routeOptions = {
    bodyLimit: opts.bodyLimit,
    // Authenticated server-to-server calls: the per-IP request limit would throttle the host's
    // deliveries, and unauthenticated floods are stopped by the auth-failure limiter.
    config: { rateLimit: false },
  } as const;
  const security = [{ hostSignature: [] }];

  app.post<{ Body: { events: MembershipChange[] } }>(
    '/v1/membership/events',
    {
      ...routeOptions,
      schema: {
        tags: ['membership'],
        summary:
          'Apply membership changes from the host app, in order; each result says changed/unchanged or why it failed',
        security,
        body: toRouteSchema(membershipEventsSchema),
        response: {
          200: {
            type: 'object',
            properties: {
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    outcome: { type: 'string', enum: ['changed', 'unchanged'] },
                    roomId: { type: 'string' },
                    userId: { type: 'string' },
                    error: failureSchema,
                  },
                },
              },
              failed: { type: 'integer' },
            },
            required: ['results', 'failed'],
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const { events } = request.body;
      targets.set(request, describeTargets(events.map((event) => event.entity)));
      const results = [];
      // In order: a later change for the same member must land after an earlier one.
      for (const event of events) {
        try {
          results.push(await services.memberships.apply(event));
        } catch (error) {
          const failure = describeFailure(error);
          if (failure.code === 'OM_INTERNAL') request.log.error({ err: error }, 'membership change failed');
          results.push({ error: failure });
        }
      }
      return { results, failed: results.filter((result) => 'error' in result).length };
    },
  );

  app.post<{ Body: { entities: DesiredMembership[] } }>(
    '/v1/membership/reconcile',
    {
      ...routeOptions,
      schema: {
        tags: ['membership'],
        summary:
          "Compare entities' rooms with the host's member lists, repair the drift and report what changed",
        security,
        body: toRouteSchema(reconcileRequestSchema),
        response: {
          200: {
            type: 'object',
            properties: { reports: { type: 'array', items: reportSchema } },
            required: ['reports'],
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const { entities } = request.body;
      targets.set(request, describeTargets(entities.map((item) => item.entity)));
      return { reports: await services.memberships.reconcileMany(entities) };
    },
  );
}

/** `group:g-1 event:e-2 …`, bounded: an audit line names what was touched, not a whole export. */
function describeTargets(entities: ReadonlyArray<{ kind: string; id: string }>): string {
  const names = [...new Set(entities.map((entity) => `${entity.kind}:${entity.id}`))];
  const shown = names.slice(0, 10).join(' ');
  return names.length > 10 ? `${shown} (+${names.length - 10} more)` : shown;
}
