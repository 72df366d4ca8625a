import { ChatSdkError } from '../ChatSdkError.js';
import { assertUserId } from './assertMatrixId.js';
import { escapeHtml } from './escapeHtml.js';
import type { TextContent, TextMsgtype } from './MessageContent.js';
import { splitMentions } from './matchMention.js';
import { mentionPill } from './mentionPill.js';
import { mentionsOf } from './mentionsOf.js';
import { renderMarkdown } from './renderMarkdown.js';

export interface TextContentInput {
  body: string;
  /** Render `body` as Markdown into `formatted_body` (default true). */
  markdown?: boolean;
  /**
   * Who the message notifies. Each listed user ID that appears in `body` as a word (`@alice:example.org`)
   * also becomes a mention pill in the HTML, with the ID as its text so that body and HTML agree.
   */
  mentions?: { userIds: readonly string[]; room?: boolean };
  msgtype?: TextMsgtype;
}

const MSGTYPES: ReadonlySet<string> = new Set(['m.text', 'm.notice', 'm.emote']);

/** Content for a text, notice or emote message; always carries `m.mentions` (empty when nobody). */
export function textContent(input: TextContentInput): TextContent {
  const { body, markdown = true, msgtype = 'm.text' } = input;
  if (typeof body !== 'string' || body.trim() === '') {
    throw new ChatSdkError('CHAT_BAD_INPUT', 'A text message needs a non-empty body');
  }
  if (!MSGTYPES.has(msgtype)) throw new ChatSdkError('CHAT_BAD_INPUT', `Not a text msgtype: ${msgtype}`);
  const userIds = (input.mentions?.userIds ?? []).map(assertUserId);
  const html = markdown ? renderMarkdown(body, { mentionUserIds: userIds }) : plainWithPills(body, userIds);
  const content: TextContent = { msgtype, body, 'm.mentions': mentionsOf(userIds, input.mentions?.room) };
  if (html !== undefined) {
    content.format = 'org.matrix.custom.html';
    content.formatted_body = html;
  }
  return content;
}

/** Without Markdown, HTML is only worth sending when it carries mention pills. */
function plainWithPills(body: string, userIds: readonly string[]): string | undefined {
  const parts = splitMentions(body, userIds);
  if (!parts.some((part) => 'userId' in part)) return undefined;
  return parts
    .map((part) =>
      'userId' in part ? mentionPill(part.userId) : escapeHtml(part.text).replaceAll('\n', '<br>'),
    )
    .join('');
}
