/**
 * Matrix identifiers by their sigil. State keys by room, user or event id are plain objects only
 * because these prefixes make `__proto__`, `constructor` and friends impossible keys.
 */
export const isRoomId = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 1 && value.length <= 255 && value.startsWith('!');
export const isUserId = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 1 && value.length <= 255 && value.startsWith('@');
export const isEventId = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 1 && value.length <= 255 && value.startsWith('$');

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
