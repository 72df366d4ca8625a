import type { HostBackend, HostEntity } from './hostBackend.js';

export const DEMO_USERS: readonly string[] = ['alice', 'bob', 'carol', 'dave'];

export const DEMO_GROUP: HostEntity = {
  kind: 'group',
  id: 'hikers',
  slug: 'hikers',
  name: 'Hikers',
  topic: 'Weekend hikes around the valley',
  visibility: 'public',
};

export const DEMO_EVENT: HostEntity = {
  kind: 'event',
  id: 'summit-2026',
  slug: 'summit-2026',
  name: 'Summit 2026',
  topic: 'The yearly summit hike',
  visibility: 'public',
};

export const DEMO_NOTICE = {
  updateId: 'summit-2026-time-1',
  type: 'time_changed',
  body: 'Summit 2026 now starts at 07:30 at the north trailhead.',
} as const;

/** "alice" → "Alice": the app asks for host tokens with the same display name. */
export function demoDisplayName(user: string): string {
  return user.charAt(0).toUpperCase() + user.slice(1);
}

/**
 * The demo's host data, through the signed webhooks as a host backend would send it: the group and
 * the event, every user a member of both (the first one a moderator), and one event notice.
 * Idempotent: running it again changes nothing.
 */
export async function seedDemo(
  backend: HostBackend,
  users: readonly string[] = DEMO_USERS,
): Promise<{ groupRoomId: string; eventRoomId: string }> {
  const [group] = await backend.upsertEntity(DEMO_GROUP);
  const [event] = await backend.upsertEntity(DEMO_EVENT);
  const members = users.map((hostUserId, index) => ({
    hostUserId,
    displayName: demoDisplayName(hostUserId),
    role: index === 0 ? 'moderator' : 'member',
  }));
  await backend.addMembers(DEMO_GROUP, members);
  await backend.addMembers(DEMO_EVENT, members);
  await backend.eventNotice(DEMO_EVENT.id, DEMO_NOTICE);
  if (!group?.roomId || !event?.roomId) throw new Error('the broker answered without room ids');
  return { groupRoomId: group.roomId, eventRoomId: event.roomId };
}
