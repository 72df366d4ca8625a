import { ChatSdkError } from '../ChatSdkError.js';
import { assertEventId } from './assertMatrixId.js';

export interface ReactionContent {
  'm.relates_to': { rel_type: 'm.annotation'; event_id: string; key: string };
}

/** Content for an `m.reaction` event: an `m.annotation` of `eventId` with `key` (usually an emoji). */
export function reactionContent(eventId: string, key: string): ReactionContent {
  if (typeof key !== 'string' || key === '') {
    throw new ChatSdkError('CHAT_BAD_INPUT', 'A reaction needs a non-empty key');
  }
  return { 'm.relates_to': { rel_type: 'm.annotation', event_id: assertEventId(eventId), key } };
}
