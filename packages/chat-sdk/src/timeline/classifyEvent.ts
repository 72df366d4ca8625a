import { isRecord, redactsOf } from './readEvent.js';
import type { RawEvent, TimelineOptions } from './types.js';

/** What an event does to the timeline. */
export type EventRole =
  | { role: 'message' }
  | { role: 'state' }
  /** Edits, reactions and redactions: kept in `relations` under `target`, never items themselves. */
  | { role: 'relation'; target: string }
  | { role: 'hidden' };

const MESSAGE_TYPES: ReadonlySet<string> = new Set(['m.room.message', 'm.sticker', 'm.room.encrypted']);

const VISIBLE_STATE: ReadonlySet<string> = new Set([
  // The room's first event: widgets summarise the setup that follows it ("Alice created the room").
  'm.room.create',
  'm.room.name',
  'm.room.topic',
  'm.room.avatar',
  'm.room.join_rules',
  'm.room.history_visibility',
  'm.room.tombstone',
]);

const HIDDEN: EventRole = { role: 'hidden' };
const MESSAGE: EventRole = { role: 'message' };
const STATE: EventRole = { role: 'state' };

export function classifyEvent(event: RawEvent, options: TimelineOptions): EventRole {
  if (event.type === 'm.room.redaction') {
    const target = redactsOf(event);
    return target === undefined ? HIDDEN : { role: 'relation', target };
  }
  if (event.state_key !== undefined) {
    const visible =
      VISIBLE_STATE.has(event.type) || (event.type === 'm.room.member' && options.showMembership === true);
    return visible ? STATE : HIDDEN;
  }
  const relatesTo = event.content['m.relates_to'];
  const relType = isRecord(relatesTo) ? relatesTo.rel_type : undefined;
  const target = isRecord(relatesTo) ? relatesTo.event_id : undefined;
  const validTarget = typeof target === 'string' && target !== '';
  // A malformed edit or reaction is dropped rather than shown as a message of its own.
  if (relType === 'm.replace') return validTarget ? { role: 'relation', target } : HIDDEN;
  if (event.type === 'm.reaction') {
    const key = isRecord(relatesTo) ? relatesTo.key : undefined;
    const valid = relType === 'm.annotation' && validTarget && typeof key === 'string' && key !== '';
    return valid ? { role: 'relation', target } : HIDDEN;
  }
  return MESSAGE_TYPES.has(event.type) ? MESSAGE : HIDDEN;
}
