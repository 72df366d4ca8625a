/** Host role → Matrix power level. Roles are the host's names (e.g. `owner`, `host`, `member`). */
export type RoleLevels = Readonly<Record<string, number>>;

export const DEFAULT_ROLE_LEVELS: RoleLevels = { owner: 100, admin: 75, moderator: 50, member: 0 };

/** What the broker's service user holds: the most it may grant, and the read-only threshold. */
export const SERVICE_LEVEL = 100;

/** Checked once at construction: a level above the service user's could never be granted. */
export function roleLevelMap(levels: RoleLevels): ReadonlyMap<string, number> {
  const map = new Map<string, number>();
  for (const [role, level] of Object.entries(levels)) {
    if (!Number.isInteger(level) || level < 0 || level > SERVICE_LEVEL) {
      throw new TypeError(`role ${role}: power level must be an integer from 0 to ${SERVICE_LEVEL}`);
    }
    map.set(role, level);
  }
  if (map.size === 0) throw new TypeError('at least one role is needed');
  return map;
}
