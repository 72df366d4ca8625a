// A mention must stand alone: `x@alice:hs` or `@alice:hs.org.uk` do not mention `@alice:hs`.
const ID_CHAR_BEFORE = /[\p{L}\p{N}_@\-=/+.:]/u;
const ID_CONTINUES_AFTER = /^(?:[\p{L}\p{N}_\-=/+:]|\.[\p{L}\p{N}])/u;

/**
 * The user ID from `userIds` that `text` starts with, when it stands alone as a word
 * (`previousChar` is the character before `text`, undefined at the start). Longer IDs win.
 */
export function matchMention(
  text: string,
  previousChar: string | undefined,
  userIds: readonly string[],
): string | undefined {
  if (!text.startsWith('@') || (previousChar !== undefined && ID_CHAR_BEFORE.test(previousChar))) {
    return undefined;
  }
  let best: string | undefined;
  for (const userId of userIds) {
    if (
      text.startsWith(userId) &&
      !ID_CONTINUES_AFTER.test(text.slice(userId.length)) &&
      userId.length > (best?.length ?? 0)
    ) {
      best = userId;
    }
  }
  return best;
}

export type MentionPart = { text: string } | { userId: string };

/** Splits plain text into runs of text and the mentions of `userIds` in it. */
export function splitMentions(text: string, userIds: readonly string[]): MentionPart[] {
  const parts: MentionPart[] = [];
  let start = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    const userId = matchMention(text.slice(at), at === 0 ? undefined : text[at - 1], userIds);
    if (userId === undefined) continue;
    if (at > start) parts.push({ text: text.slice(start, at) });
    parts.push({ userId });
    start = at + userId.length;
    at = start - 1;
  }
  if (start < text.length) parts.push({ text: text.slice(start) });
  return parts;
}
