export { AliasPattern, type AliasPatternOptions } from './AliasPattern.js';
export { type DirectRoom, DirectRooms, type DirectRoomsOptions } from './DirectRooms.js';
export {
  type EnsuredRoom,
  type EnsureOutcome,
  EntityRooms,
  type EntityRoomsOptions,
  type RoleChange,
} from './EntityRooms.js';
export {
  type EventNotice,
  EventNotices,
  type EventNoticesOptions,
  NOTICE_FIELD,
  NOTICE_TYPES,
  type NoticeType,
} from './EventNotices.js';
export { READ_ONLY_LEVEL } from './entityPowerLevels.js';
export { DEFAULT_ROLE_LEVELS, type RoleLevels, SERVICE_LEVEL } from './RoleLevels.js';
export {
  type EntityKind,
  type EntityRef,
  ROOM_MARKER_TYPE,
  type RoomEntity,
  type RoomMarker,
  type RoomQuery,
} from './RoomEntity.js';
