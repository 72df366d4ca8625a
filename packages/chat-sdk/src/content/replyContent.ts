import { ChatSdkError } from '../ChatSdkError.js';
import { assertEventId, assertUserId } from './assertMatrixId.js';
import type { MessageContent } from './MessageContent.js';
import { mentionsOf } from './mentionsOf.js';

export interface ReplyTarget {
  eventId: string;
  /** The sender of the replied-to event: replies mention them. */
  sender: string;
}

export interface ReplyOptions {
  /** The sending user: never mentioned, since a user cannot notify themself. */
  ownUserId?: string;
}

/**
 * Makes `content` a rich reply: `m.relates_to.m.in_reply_to`, and the replied-to sender added to
 * `m.mentions.user_ids`. No fallback is put in `body`/`formatted_body` (dropped from the spec in v1.13).
 * An existing thread relation is kept, with `is_falling_back: false` since this is a real reply.
 */
export function replyContent<C extends MessageContent>(
  content: C,
  replyTo: ReplyTarget,
  options: ReplyOptions = {},
): C & Required<Pick<MessageContent, 'm.relates_to' | 'm.mentions'>> {
  const eventId = assertEventId(replyTo.eventId);
  const sender = assertUserId(replyTo.sender);
  const relation = content['m.relates_to'];
  if (relation?.rel_type !== undefined && relation.rel_type !== 'm.thread') {
    throw new ChatSdkError('CHAT_BAD_INPUT', `A ${relation.rel_type} event cannot also be a reply`);
  }
  const mentions = content['m.mentions'] ?? {};
  const userIds = [...(mentions.user_ids ?? []), sender].filter((userId) => userId !== options.ownUserId);
  return {
    ...content,
    'm.relates_to': {
      ...relation,
      ...(relation?.rel_type === 'm.thread' ? { is_falling_back: false } : {}),
      'm.in_reply_to': { event_id: eventId },
    },
    'm.mentions': mentionsOf(userIds, mentions.room),
  };
}
