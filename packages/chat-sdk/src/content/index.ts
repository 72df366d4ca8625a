export type { EditContent } from './editContent.js';
export { editContent } from './editContent.js';
export { escapeHtml } from './escapeHtml.js';
export { isMxcUrl } from './isMxcUrl.js';
export type {
  MediaContent,
  MediaInfo,
  MediaMsgtype,
  Mentions,
  MessageContent,
  RelatesTo,
  TextContent,
  TextMsgtype,
  ThumbnailInfo,
} from './MessageContent.js';
export type { MediaContentInput, MediaKind } from './mediaContent.js';
export { mediaContent } from './mediaContent.js';
export { mentionPill } from './mentionPill.js';
export type { EventPermalinkTarget } from './permalink.js';
export { permalink } from './permalink.js';
export type { ReactionContent } from './reactionContent.js';
export { reactionContent } from './reactionContent.js';
export type { RenderMarkdownOptions } from './renderMarkdown.js';
export { renderMarkdown } from './renderMarkdown.js';
export type { ReplyOptions, ReplyTarget } from './replyContent.js';
export { replyContent } from './replyContent.js';
export type { SanitizeMatrixHtmlOptions } from './sanitizeMatrixHtml.js';
export { sanitizeMatrixHtml } from './sanitizeMatrixHtml.js';
export type { MatrixHtmlElement, MatrixHtmlNode } from './sanitizeMatrixHtmlTree.js';
export { sanitizeMatrixHtmlTree } from './sanitizeMatrixHtmlTree.js';
export type { TextContentInput } from './textContent.js';
export { textContent } from './textContent.js';
