import { escapeHtml } from './escapeHtml.js';
import { permalink } from './permalink.js';

/**
 * HTML for a user mention, as the spec recommends: a matrix.to link whose text is the display name.
 * The text that stands for the mention in the plain `body` should be the same `displayName`.
 */
export function mentionPill(userId: string, displayName: string = userId): string {
  return `<a href="${escapeHtml(permalink(userId))}">${escapeHtml(displayName)}</a>`;
}
