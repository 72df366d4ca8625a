import { z } from 'zod';

/**
 * The wire shapes of membership sync, defined once: the routes validate with their JSON Schema
 * form, the `reconcile` command parses its file with them.
 */
const hostUserId = z.string().min(1).max(255);
const role = z.string().min(1).max(64);
const displayName = z.string().max(1024);

export const membershipEntitySchema = z
  .object({
    kind: z.enum(['group', 'event']),
    id: z.string().min(1).max(255),
    slug: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("Finds the room through its alias when the broker's store has no mapping"),
  })
  .strict();

export const MEMBERSHIP_CHANGE_TYPES = [
  'member.added',
  'member.removed',
  'member.role_changed',
  'member.banned',
] as const;

export const membershipChangeSchema = z
  .object({
    type: z.enum(MEMBERSHIP_CHANGE_TYPES),
    entity: membershipEntitySchema,
    hostUserId,
    displayName: displayName.optional().describe('member.added: the name the user is provisioned with'),
    role: role.optional().describe('member.added (optional) and member.role_changed (required)'),
    reason: z.string().max(1024).optional().describe('member.removed and member.banned'),
  })
  .strict();

/**
 * Replay protection remembers signatures, and a signature covers only the timestamp (seconds) and
 * the body: two identical bodies sent in the same second look like a replay unless they differ here.
 */
const deliveryId = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe('Unique per delivery (e.g. a UUID); makes identical bodies sent within a second distinct');

export const membershipEventsSchema = z
  .object({ id: deliveryId, events: z.array(membershipChangeSchema).min(1).max(100) })
  .strict();

export const desiredMembershipSchema = z
  .object({
    entity: membershipEntitySchema,
    members: z.array(z.object({ hostUserId, role, displayName: displayName.optional() }).strict()),
  })
  .strict();

/** The reconcile command's file: every entity to reconcile (no limit). */
export const reconcileFileSchema = z.object({ entities: z.array(desiredMembershipSchema) }).strict();

/** The reconcile endpoint: a bounded batch, so one request stays a reasonable amount of work. */
export const reconcileRequestSchema = z
  .object({ id: deliveryId, entities: z.array(desiredMembershipSchema).min(1).max(100) })
  .strict();

/** A JSON Schema for Fastify (draft 7, without `$schema`, which OpenAPI does not accept). */
export function toRouteSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-7' });
  return json;
}
