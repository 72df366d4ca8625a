import { z } from 'zod';

/**
 * The rows of the host app's cutover exports. CSV cells arrive as strings and empty cells are
 * dropped before parsing, so the same schema serves NDJSON and CSV.
 */
const id = z.string().min(1).max(255);

const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((value) => value === true || value === 'true' || value === '1');

export const userRowSchema = z
  .object({
    hostUserId: id,
    displayName: z.string().max(1024).optional(),
    avatarUrl: z.url().optional(),
  })
  .strict();

export const entityRowSchema = z
  .object({
    id,
    slug: z.string().min(1).max(200),
    name: z.string().min(1).max(255),
    topic: z.string().max(4096).optional(),
    visibility: z.enum(['public', 'private']),
    archived: flag.optional(),
  })
  .strict();

export const membershipRowSchema = z
  .object({
    kind: z.enum(['group', 'event']),
    entityId: id,
    hostUserId: id,
    role: z.string().min(1).max(64),
  })
  .strict();

export type UserRow = z.infer<typeof userRowSchema>;
export type EntityRow = z.infer<typeof entityRowSchema>;
export type MembershipRow = z.infer<typeof membershipRowSchema>;
