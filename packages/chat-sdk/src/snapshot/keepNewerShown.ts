import type { RoomTimeline, TimelineItem } from '../timeline/types.js';

/**
 * A first sync can be older than the snapshot it replaces: Synapse answers a device's repeated
 * requests from its cache for two minutes, so a page reopened soon after a message gets the last
 * page's first syncs again, one by one, before the newer ones. The snapshot's confirmed events newer
 * than everything in `next` stay at its end, marked provisional, until a sync brings them (in their
 * place, in order): nothing the user saw vanishes and comes back. One that something newer overtakes
 * is dropped (a limited sync's gap holds it).
 */
export function keepNewerShown(
  shown: RoomTimeline | undefined,
  next: RoomTimeline,
): { timeline: RoomTimeline; provisional: string[] } {
  const newest = Math.max(-Infinity, ...next.items.map(timeOf));
  const present = new Set(next.items.map(eventIdOf));
  const tail = (shown?.items ?? []).filter((item) => {
    const eventId = eventIdOf(item);
    return eventId !== undefined && !present.has(eventId) && timeOf(item) > newest;
  });
  if (tail.length === 0) return { timeline: next, provisional: [] };
  return {
    timeline: { ...next, items: [...next.items, ...tail] },
    provisional: tail.map((item) => eventIdOf(item) as string),
  };
}

/** `timeline` without the provisional events (before the sync that brings them again). */
export function withoutProvisional(timeline: RoomTimeline, eventIds: ReadonlySet<string>): RoomTimeline {
  const items = timeline.items.filter((item) => {
    const eventId = eventIdOf(item);
    return eventId === undefined || !eventIds.has(eventId);
  });
  return items.length === timeline.items.length ? timeline : { ...timeline, items };
}

function eventIdOf(item: TimelineItem): string | undefined {
  return item.kind === 'gap' ? undefined : item.eventId;
}

function timeOf(item: TimelineItem): number {
  return item.kind === 'gap' || item.eventId === undefined ? -Infinity : item.ts;
}
