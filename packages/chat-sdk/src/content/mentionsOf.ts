import type { Mentions } from './MessageContent.js';

/** Builds an `m.mentions` object with no empty or false members (the spec allows `{}`). */
export function mentionsOf(userIds: Iterable<string>, room: boolean | undefined): Mentions {
  const unique = [...new Set(userIds)];
  const mentions: Mentions = {};
  if (unique.length > 0) mentions.user_ids = unique;
  if (room === true) mentions.room = true;
  return mentions;
}
