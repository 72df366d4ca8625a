/** Host entities that own a chat room. */
export type EntityKind = 'group' | 'event';

/** A host entity by its stable id (slugs change, ids do not). */
export interface EntityRef {
  kind: EntityKind;
  id: string;
}

/** What the host knows about an entity; `EntityRooms.ensure` makes the room match it. */
export interface RoomEntity extends EntityRef {
  /** Names the room's alias; a new slug moves the alias, the room stays. */
  slug: string;
  name: string;
  topic?: string;
  /** An `mxc://` URI the caller has uploaded; absent means no avatar. */
  avatarUrl?: string;
  /** `public`: anyone may join; `private`: invite only, and only members may look the room up. */
  visibility: 'public' | 'private';
  /** A group archived or an event ended: the room becomes read-only. */
  archived?: boolean;
}

/** A host entity by id, or by its current slug (resolved through the room alias). */
export type RoomQuery = EntityRef | { kind: EntityKind; slug: string };

/** State event recording what a room is for, so the SDK can tell group, event and DM rooms apart. */
export const ROOM_MARKER_TYPE = 'org.openmeet.room';

export type RoomMarker = { kind: EntityKind; entity: { type: EntityKind; id: string } } | { kind: 'dm' };

export function markerFor(ref: EntityRef): RoomMarker {
  return { kind: ref.kind, entity: { type: ref.kind, id: ref.id } };
}

export function isMarkerOf(marker: unknown, ref: EntityRef): boolean {
  if (typeof marker !== 'object' || marker === null) return false;
  const { kind, entity } = marker as { kind?: unknown; entity?: { type?: unknown; id?: unknown } };
  return kind === ref.kind && entity?.type === ref.kind && entity.id === ref.id;
}
