import { ingestEvents } from './ingestEvents.js';
import { readEvent } from './readEvent.js';
import { TimelineDraft } from './TimelineDraft.js';
import type { RawEvent, RoomTimeline, TimelineItem, TimelineOptions } from './types.js';

/**
 * Adds the answer of `GET /rooms/{id}/messages?dir=b&from=fromToken` (`chunk` newest first, as the
 * server sends it): above the oldest item when `fromToken` is the back token, in place of the gap
 * whose token it is otherwise. An unknown token (a stale answer) leaves the timeline as it is.
 */
export function applyBackPagination(
  timeline: RoomTimeline,
  fromToken: string,
  chunk: readonly RawEvent[],
  end: string | undefined,
  options: TimelineOptions,
): RoomTimeline {
  if (typeof fromToken !== 'string') return timeline;
  const events: RawEvent[] = [];
  for (const raw of Array.isArray(chunk) ? chunk : []) {
    const event = readEvent(raw);
    if (event !== undefined) events.push(event);
  }
  // Some servers answer the start of the room with an empty chunk and `end` equal to `from`.
  const next =
    typeof end === 'string' && end !== '' && !(events.length === 0 && end === fromToken) ? end : undefined;
  const draft = new TimelineDraft(timeline);

  if (fromToken === timeline.backToken) {
    draft.insert(0, ingestEvents(draft, events.reverse(), options));
    draft.backToken = next ?? null;
    draft.paginating = false;
    return draft.commit(options.userId);
  }

  const position = draft.positionOfGap(fromToken);
  const gap = position === undefined ? undefined : draft.itemAt(position);
  if (position === undefined || gap?.kind !== 'gap') return timeline;
  const fresh: RawEvent[] = [];
  // Reaching an event that is already here means the gap is filled; the rest are duplicates.
  let closed = false;
  for (const event of events) {
    if (draft.isKnown(event)) {
      closed = true;
      break;
    }
    fresh.push(event);
  }
  const placed: TimelineItem[] = ingestEvents(draft, fresh.reverse(), options);
  if (!closed && next !== undefined) placed.unshift({ ...gap, token: next, filling: false });
  draft.remove(position);
  draft.insert(position, placed);
  return draft.commit(options.userId);
}
