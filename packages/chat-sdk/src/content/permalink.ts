import { assertEventId, assertRoomIdOrAlias, assertUserId } from './assertMatrixId.js';

export interface EventPermalinkTarget {
  roomId: string;
  eventId?: string;
  /** Servers that can route a room ID (`?via=`), since a room ID alone names no server. */
  via?: readonly string[];
}

const MATRIX_TO = 'https://matrix.to/#/';

/**
 * Percent-encodes one identifier per RFC 3986, but keeps `@ : ! $` readable: they are valid in a URI
 * fragment, and Element and other clients recognise user pills by `https://matrix.to/#/@user:server`.
 * `#` (aliases) and `/` (possible in event IDs) are encoded, as the fragment cannot hold them literally.
 */
function encodeIdentifier(id: string): string {
  return encodeURIComponent(id).replace(/%(40|3A|21|24)/gi, (encoded) => decodeURIComponent(encoded));
}

/** A matrix.to link to a user, room, alias, or (with `{ roomId, eventId }`) an event. */
export function permalink(target: string | EventPermalinkTarget): string {
  if (typeof target === 'string') {
    const id = target.startsWith('@') ? assertUserId(target) : assertRoomIdOrAlias(target);
    return MATRIX_TO + encodeIdentifier(id);
  }
  let link = MATRIX_TO + encodeIdentifier(assertRoomIdOrAlias(target.roomId));
  if (target.eventId !== undefined) link += `/${encodeIdentifier(assertEventId(target.eventId))}`;
  const via = target.via ?? [];
  if (via.length > 0) link += `?${via.map((server) => `via=${encodeURIComponent(server)}`).join('&')}`;
  return link;
}
