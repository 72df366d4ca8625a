import { Marked, type RendererObject, type Token, type TokenizerExtension, type Tokens } from 'marked';
import { escapeHtml } from './escapeHtml.js';
import { isMxcUrl } from './isMxcUrl.js';
import { matchMention } from './matchMention.js';
import { mentionPill } from './mentionPill.js';
import { safeHref } from './safeHref.js';

export interface RenderMarkdownOptions {
  /** Occurrences of these user IDs (as whole words, outside links and code) become mention pills. */
  mentionUserIds?: readonly string[];
}

interface MentionToken extends Tokens.Generic {
  type: 'mention';
  userId: string;
}

const CODE_LANGUAGE = /^[\w#+.-]{1,40}$/;

/**
 * Markdown (GFM, single newlines as line breaks like Element) to HTML for `formatted_body`, or undefined
 * when the text has no formatting and the plain `body` says it all.
 *
 * The renderer implements every token type itself (the `Required<RendererObject>` type makes the compiler
 * check that none falls back to marked's defaults), and each emits only tags and attributes of the spec's
 * allowlist: raw HTML is escaped, unsafe link schemes become text, images become links unless `mxc://`.
 */
export function renderMarkdown(text: string, options: RenderMarkdownOptions = {}): string | undefined {
  const mentionUserIds = options.mentionUserIds ?? [];
  const marked = new Marked({ gfm: true, breaks: true, async: false });
  // Only nests: `<a>` inside `<a>` is invalid HTML, so images and mentions inside link text render as text.
  let linkDepth = 0;

  const renderer: Required<RendererObject> = {
    space: () => '',
    def: () => '',
    hr: () => '<hr>\n',
    br: () => '<br>',
    checkbox: ({ checked }) => (checked ? '[x] ' : '[ ] '),
    html: ({ text, block }) =>
      block ? `<p>${escapeHtml(text.trimEnd()).replaceAll('\n', '<br>')}</p>\n` : escapeHtml(text),
    text(token) {
      if (token.type === 'text' && token.tokens) return this.parser.parseInline(token.tokens);
      // `raw` for plain text: marked's `text` has character references half-decoded for its own escaping.
      return escapeHtml(token.type === 'escape' ? token.text : token.raw);
    },
    codespan: ({ text }) => `<code>${escapeHtml(text)}</code>`,
    code({ text, lang }) {
      const language = lang?.match(/^\S*/)?.[0] ?? '';
      const attribute = CODE_LANGUAGE.test(language) ? ` class="language-${escapeHtml(language)}"` : '';
      return `<pre><code${attribute}>${escapeHtml(text)}\n</code></pre>\n`;
    },
    strong({ tokens }) {
      return `<strong>${this.parser.parseInline(tokens)}</strong>`;
    },
    em({ tokens }) {
      return `<em>${this.parser.parseInline(tokens)}</em>`;
    },
    del({ tokens }) {
      return `<del>${this.parser.parseInline(tokens)}</del>`;
    },
    paragraph({ tokens }) {
      return `<p>${this.parser.parseInline(tokens)}</p>\n`;
    },
    heading({ tokens, depth }) {
      const level = Math.min(Math.max(depth, 1), 6);
      return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
    },
    blockquote({ tokens }) {
      return `<blockquote>\n${this.parser.parse(tokens)}</blockquote>\n`;
    },
    list({ ordered, start, items }) {
      const body = items.map((item) => this.listitem(item)).join('');
      if (!ordered) return `<ul>\n${body}</ul>\n`;
      const startAttribute = typeof start === 'number' && start !== 1 ? ` start="${start}"` : '';
      return `<ol${startAttribute}>\n${body}</ol>\n`;
    },
    listitem({ tokens }) {
      return `<li>${this.parser.parse(tokens).trimEnd()}</li>\n`;
    },
    // Cells get no `align`: the allowlist permits no attributes on `th`/`td`.
    tablecell({ tokens, header }) {
      const tag = header ? 'th' : 'td';
      return `<${tag}>${this.parser.parseInline(tokens)}</${tag}>`;
    },
    tablerow: ({ text }) => `<tr>${text}</tr>\n`,
    table({ header, rows }) {
      const row = (cells: Tokens.TableCell[]) =>
        this.tablerow({ text: cells.map((c) => this.tablecell(c)).join('') });
      const body = rows.length > 0 ? `<tbody>\n${rows.map(row).join('')}</tbody>\n` : '';
      return `<table>\n<thead>\n${row(header)}</thead>\n${body}</table>\n`;
    },
    link({ href, tokens }) {
      linkDepth += 1;
      const label = this.parser.parseInline(tokens);
      linkDepth -= 1;
      const url = safeHref(href);
      return url === undefined || linkDepth > 0 ? label : `<a href="${escapeHtml(url)}">${label}</a>`;
    },
    // Only `mxc://` may be an image source in Matrix; a web image becomes a link so nothing is fetched.
    image({ href, title, text }) {
      if (isMxcUrl(href)) {
        const titleAttribute = title ? ` title="${escapeHtml(title)}"` : '';
        return `<img src="${href}" alt="${escapeHtml(text)}"${titleAttribute}>`;
      }
      const url = safeHref(href);
      const label = escapeHtml(text || href);
      return url === undefined || linkDepth > 0 ? label : `<a href="${escapeHtml(url)}">${label}</a>`;
    },
  };

  const mention: TokenizerExtension & { renderer: (token: Tokens.Generic) => string } = {
    name: 'mention',
    level: 'inline',
    start: (src) => (src.includes('@') ? src.indexOf('@') : undefined),
    tokenizer(src, tokens) {
      if (mentionUserIds.length === 0 || this.lexer.state.inLink) return undefined;
      const previousChar = tokens.at(-1)?.raw.at(-1);
      const userId = matchMention(src, previousChar, mentionUserIds);
      if (userId === undefined) return undefined;
      const token: MentionToken = { type: 'mention', raw: userId, userId };
      return token;
    },
    renderer: (token) => {
      const userId = String(token.userId);
      return linkDepth > 0 ? escapeHtml(userId) : mentionPill(userId);
    },
  };

  marked.use({
    renderer,
    // Bare URLs stay text (receiving clients linkify plain text), so a message with a URL needs no
    // formatted_body; `<https://…>` and `[label](url)` still make links.
    tokenizer: { url: () => undefined },
    extensions: [mention],
  });

  const tokens = marked.lexer(text);
  if (isPlain(tokens)) return undefined;
  const html = marked.parser(tokens).trim();
  // A lone paragraph needs no `<p>`: the spec asks clients not to emit HTML that is not needed.
  const blocks = tokens.filter((token) => token.type !== 'space');
  return blocks.length === 1 && blocks[0]?.type === 'paragraph'
    ? html.slice('<p>'.length, -'</p>'.length)
    : html;
}

/** True when rendering would show nothing the plain body does not: only paragraphs of plain text. */
function isPlain(tokens: readonly Token[]): boolean {
  return tokens.every(
    (token) =>
      token.type === 'space' ||
      (token.type === 'paragraph' &&
        (token.tokens ?? []).every(
          (inline) =>
            (inline.type === 'text' && !inline.tokens) || (inline.type === 'br' && inline.raw === '\n'),
        )),
  );
}
