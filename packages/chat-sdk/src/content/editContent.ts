import { assertEventId } from './assertMatrixId.js';
import type { Mentions, MessageContent } from './MessageContent.js';
import { mentionsOf } from './mentionsOf.js';

export interface EditContent<C extends MessageContent> {
  msgtype: C['msgtype'];
  body: string;
  format?: 'org.matrix.custom.html';
  formatted_body?: string;
  'm.new_content': Omit<C, 'm.relates_to'> & { 'm.mentions': Mentions };
  'm.relates_to': { rel_type: 'm.replace'; event_id: string };
  'm.mentions': Mentions;
}

/**
 * An `m.replace` edit of `originalEventId` to `newContent`. The outer `body`/`formatted_body` are the
 * `* `-prefixed fallback for clients without edit support. `m.new_content` holds all of the new mentions;
 * the outer `m.mentions` only those not already in `previous` (the content being replaced: the original,
 * or its latest edit's `m.new_content`), so an edit notifies newly mentioned users only. Without
 * `previous`, every mention counts as new.
 */
export function editContent<C extends MessageContent>(
  originalEventId: string,
  newContent: C,
  previous?: Pick<MessageContent, 'm.mentions'>,
): EditContent<C> {
  const eventId = assertEventId(originalEventId);
  // The relation of the original is kept when an edit applies, and one in m.new_content would be ignored.
  const { 'm.relates_to': _ignored, ...rest } = newContent;
  const mentions = newContent['m.mentions'] ?? {};
  const before = previous?.['m.mentions'] ?? {};
  const alreadyMentioned = new Set(before.user_ids ?? []);
  const edit: EditContent<C> = {
    msgtype: newContent.msgtype,
    body: `* ${newContent.body}`,
    'm.new_content': { ...rest, 'm.mentions': mentions },
    'm.relates_to': { rel_type: 'm.replace', event_id: eventId },
    'm.mentions': mentionsOf(
      (mentions.user_ids ?? []).filter((userId) => !alreadyMentioned.has(userId)),
      mentions.room === true && before.room !== true,
    ),
  };
  if (newContent.format !== undefined && newContent.formatted_body !== undefined) {
    edit.format = newContent.format;
    edit.formatted_body = `* ${newContent.formatted_body}`;
  }
  return edit;
}
