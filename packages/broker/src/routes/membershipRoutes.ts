import type { FastifyInstance } from 'fastify';
import type { Services } from '../createServices.js';
import { errorResponseSchema } from '../http/errorHandler.js';
import { signedWebhook } from '../http/signedWebhook.js';
import {
  type DesiredMembership,
  type MembershipChange,
  membershipEventsSchema,
  reconcileRequestSchema,
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

/**
 * Membership sync for the host app's backend (never the browser), signed (see signedWebhook). Not
 * mounted without a webhook secret.
 */
export async function membershipRoutes(
  app: FastifyInstance,
  opts: { services: Services; bodyLimit: number },
) {
  const { services } = opts;
  const verifier = services.webhook;
  if (!verifier) return;
  const { audit, routeOptions, security } = signedWebhook(app, {
    services,
    verifier,
    bodyLimit: opts.bodyLimit,
    auditMessage: 'membership audit',
  });

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
      audit(
        request,
        events.map((event) => event.entity),
      );
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
      audit(
        request,
        entities.map((item) => item.entity),
      );
      return { reports: await services.memberships.reconcileMany(entities) };
    },
  );
}
