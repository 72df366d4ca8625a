import type { RoomTimeline } from './types.js';

export function emptyTimeline(): RoomTimeline {
  return { items: [], backToken: undefined, paginating: false, relations: new Map() };
}
