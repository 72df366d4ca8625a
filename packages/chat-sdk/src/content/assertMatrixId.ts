import { ChatSdkError } from '../ChatSdkError.js';

// Loose on purpose: historical user IDs and room versions allow many characters, so only the sigil and the
// `:server` part (absent from v4+ event IDs) are checked, plus the spec's 255-byte limit.
const USER_ID = /^@[^:\s]+:[^\s]+$/;
const ROOM_ID = /^![^:\s]+(?::[^\s]+)?$/;
const ROOM_ALIAS = /^#[^:\s]+:[^\s]+$/;
const EVENT_ID = /^\$[^\s]+$/;
const MAX_ID_LENGTH = 255;

function check(value: unknown, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || value.length > MAX_ID_LENGTH || !pattern.test(value)) {
    throw new ChatSdkError('CHAT_BAD_INPUT', `Not a Matrix ${what}: ${JSON.stringify(value)}`);
  }
  return value;
}

export function assertUserId(value: unknown): string {
  return check(value, USER_ID, 'user ID');
}

export function assertEventId(value: unknown): string {
  return check(value, EVENT_ID, 'event ID');
}

export function assertRoomIdOrAlias(value: unknown): string {
  return typeof value === 'string' && value.startsWith('#')
    ? check(value, ROOM_ALIAS, 'room alias')
    : check(value, ROOM_ID, 'room ID');
}

export function isUserId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_ID_LENGTH && USER_ID.test(value);
}
