import { z } from 'zod';
import { NOTICE_TYPES } from './EventNotices.js';

/**
 * The wire shape of `POST /v1/host/events`: the host app reports its entities (created, renamed,
 * made private, archived) and event updates (notices). Validated once here; the route takes the
 * JSON Schema form.
 */
const entityId = z.string().min(1).max(255);

export const hostEntitySchema = z
  .object({
    kind: z.enum(['group', 'event']),
    id: entityId,
    slug: z.string().min(1).max(200).describe('Names the alias; a new slug moves it, the room stays'),
    name: z.string().min(1).max(255),
    topic: z.string().max(4000).optional(),
    avatarUrl: z.string().max(512).optional().describe('An mxc:// URI; omit for no avatar'),
    visibility: z.enum(['public', 'private']),
    archived: z
      .boolean()
      .optional()
      .describe('A group archived or an event ended: the room becomes read-only'),
  })
  .strict();

const noticeValue = z.union([z.string().max(1000), z.number().int(), z.boolean(), z.null()]);

export const hostEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('entity.upserted'), entity: hostEntitySchema }).strict(),
  z
    .object({
      type: z.literal('event.notice'),
      event: z.object({ id: entityId }).strict(),
      notice: z
        .object({
          updateId: z.string().min(1).max(200).describe('The same id never posts twice'),
          type: z.enum(NOTICE_TYPES),
          body: z.string().min(1).max(4000).describe('Plain text every Matrix client shows'),
          data: z.record(z.string().max(100), noticeValue).optional(),
        })
        .strict(),
    })
    .strict(),
]);

export type HostEvent = z.infer<typeof hostEventSchema>;

export const hostEventsSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Unique per delivery (e.g. a UUID); makes identical bodies sent within a second distinct'),
    events: z.array(hostEventSchema).min(1).max(100),
  })
  .strict();
