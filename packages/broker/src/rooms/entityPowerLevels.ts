import { SERVICE_LEVEL } from './RoleLevels.js';
import { ROOM_MARKER_TYPE } from './RoomEntity.js';

export interface PowerLevelsContent {
  users?: Record<string, number>;
  users_default?: number;
  events_default?: number;
  [key: string]: unknown;
}

/**
 * Rooms are created with this version, not the server's default: in room version 12 the creator
 * is implicitly all-powerful and must not be listed in the power levels, whereas the broker's
 * service user is listed there at 100 (and DMs follow the same rules as entity rooms).
 */
export const ROOM_VERSION = '11';

/** `events_default` of an archived room: nobody below the service user's level may post. */
export const READ_ONLY_LEVEL = SERVICE_LEVEL;

/**
 * The power levels an entity room starts with (the whole content, not Synapse's defaults).
 * Membership, name, topic, avatar and alias follow the host entity, so changing them (all state,
 * invites) needs the service user's level; moderators keep the room tidy (kick, ban, redact, pins,
 * @room). Everyone else starts at 0 and may post unless the room is archived.
 */
export function entityPowerLevels(
  serviceUserId: string,
  options: { moderatorLevel: number; archived: boolean },
): PowerLevelsContent {
  const moderator = options.moderatorLevel;
  return {
    users: { [serviceUserId]: SERVICE_LEVEL },
    users_default: 0,
    events_default: options.archived ? READ_ONLY_LEVEL : 0,
    state_default: SERVICE_LEVEL,
    invite: SERVICE_LEVEL,
    kick: moderator,
    ban: moderator,
    redact: moderator,
    events: {
      'm.room.pinned_events': moderator,
      [ROOM_MARKER_TYPE]: SERVICE_LEVEL,
    },
    notifications: { room: moderator },
  };
}
