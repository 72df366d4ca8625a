import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../createServices.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, type WebhookVerifier } from '../membership/index.js';

const headerValue = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);
const EMPTY = new Uint8Array();

export interface SignedWebhook {
  /** Names what a request touched in its audit line. */
  audit(request: FastifyRequest, entities: ReadonlyArray<{ kind: string; id: string }>): void;
  /** Route options every signed route shares. */
  routeOptions: { bodyLimit: number; config: { rateLimit: false } };
  security: { hostSignature: never[] }[];
}

/**
 * Makes every route of the calling (encapsulated) plugin a signed webhook for the host app's
 * backend: HMAC over the exact body bytes, with a timestamp and replay protection (see
 * WebhookVerifier). A request that fails authentication changes nothing and counts against the
 * caller's IP. Every call leaves one audit line.
 */
export function signedWebhook(
  app: FastifyInstance,
  options: { services: Services; verifier: WebhookVerifier; bodyLimit: number; auditMessage: string },
): SignedWebhook {
  const { services, verifier } = options;
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
      options.auditMessage,
    );
  });

  return {
    audit: (request, entities) => targets.set(request, describeTargets(entities)),
    routeOptions: {
      bodyLimit: options.bodyLimit,
      // Authenticated server-to-server calls: the per-IP request limit would throttle the host's
      // deliveries, and unauthenticated floods are stopped by the auth-failure limiter.
      config: { rateLimit: false },
    },
    security: [{ hostSignature: [] }],
  };
}

/** `group:g-1 event:e-2 …`, bounded: an audit line names what was touched, not a whole export. */
function describeTargets(entities: ReadonlyArray<{ kind: string; id: string }>): string {
  const names = [...new Set(entities.map((entity) => `${entity.kind}:${entity.id}`))];
  const shown = names.slice(0, 10).join(' ');
  return names.length > 10 ? `${shown} (+${names.length - 10} more)` : shown;
}
