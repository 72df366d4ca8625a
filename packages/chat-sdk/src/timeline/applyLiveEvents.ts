import { ingestEvents } from './ingestEvents.js';
import { readEvent } from './readEvent.js';
import { TimelineDraft } from './TimelineDraft.js';
import type { RawEvent, RoomTimeline, TimelineItem, TimelineOptions } from './types.js';

/** The `timeline` part of a room in a `/sync` response. */
export interface SyncBatch {
  limited: boolean;
  prevBatch?: string;
}

/**
 * Events are missing between what is here and the new events: a gap item, or a new back token
 * when nothing but local echoes is here (a gap at the top is what the back token already says).
 */
function markGap(draft: TimelineDraft, at: number, token: string, placed: TimelineItem[]): void {
  const previous = draft.lastBefore(at);
  if (previous === undefined) {
    draft.backToken = token;
    return;
  }
  if (draft.positionOfGap(token) !== undefined) return;
  // Back-paginating from the newer token also covers what the older, adjacent gap stood for.
  if (previous.item.kind === 'gap') draft.remove(previous.position);
  placed.unshift({ kind: 'gap', key: `gap:${token}`, token, filling: false });
}

/**
 * Adds the events of one `/sync` response for the room (oldest first) below what is loaded; this
 * client's unconfirmed local echoes stay below them.
 */
export function applyLiveEvents(
  timeline: RoomTimeline,
  events: readonly RawEvent[],
  batch: SyncBatch,
  options: TimelineOptions,
): RoomTimeline {
  // Most syncs carry typing notices or receipts only: nothing to index the timeline for.
  const none = !Array.isArray(events) || events.length === 0;
  if (none && timeline.backToken !== undefined && batch.limited !== true) return timeline;
  const draft = new TimelineDraft(timeline);
  const fresh: RawEvent[] = [];
  // An event already here means the server did not skip anything after it: no gap.
  let overlaps = false;
  for (const raw of Array.isArray(events) ? events : []) {
    const event = readEvent(raw);
    if (event === undefined) continue;
    if (draft.isKnown(event)) overlaps = true;
    else fresh.push(event);
  }
  const placed = ingestEvents(draft, fresh, options);
  const at = draft.tailStart();
  const prevBatch =
    typeof batch.prevBatch === 'string' && batch.prevBatch !== '' ? batch.prevBatch : undefined;
  if (timeline.backToken === undefined) {
    // A first batch that holds the room's creation has nothing before it, whatever `prev_batch`
    // says: no request to find that out, and no "more above" shown until one comes back empty.
    const fromTheStart = fresh.some((event) => event.type === 'm.room.create' && event.state_key === '');
    draft.backToken = fromTheStart ? null : (prevBatch ?? null);
  } else if (batch.limited === true && prevBatch !== undefined && !overlaps) {
    markGap(draft, at, prevBatch, placed);
  }
  draft.insert(at, placed);
  return draft.commit(options.userId);
}
