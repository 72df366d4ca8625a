import type { RoomTimeline } from './types.js';

/** Marks a back-pagination (`token` is the back token) or a gap fill (a gap's token) as in flight or done. */
export function setPaginating(timeline: RoomTimeline, token: string, busy: boolean): RoomTimeline {
  if (token === timeline.backToken) {
    return timeline.paginating === busy ? timeline : { ...timeline, paginating: busy };
  }
  const position = timeline.items.findIndex((item) => item.kind === 'gap' && item.token === token);
  const gap = timeline.items[position];
  if (gap?.kind !== 'gap' || gap.filling === busy) return timeline;
  const items = [...timeline.items];
  items[position] = { ...gap, filling: busy };
  return { ...timeline, items };
}
