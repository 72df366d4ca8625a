import { MATRIX_HTML_ALLOWLIST } from './matrixHtmlAllowlist.js';

export interface SanitizeMatrixHtmlOptions {
  /** Elements nested deeper than this are dropped with their content; the spec's limit (100) at most. */
  maxDepth?: number;
  /** The document to parse with (tests, iframes); defaults to the global `document`. */
  document?: Document;
}

const HTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';
const MAX_DEPTH = 100;
const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/**
 * Elements dropped with their content: code, styles, embedded documents, foreign (SVG/MathML) content whose
 * parsing rules differ, and `mx-reply` (a reply fallback, removed from the spec in v1.13, that cannot be
 * trusted to match the event it quotes). Every other element outside the allowlist is unwrapped.
 */
const DROPPED_WITH_CONTENT: ReadonlySet<string> = new Set([
  'mx-reply',
  'script',
  'style',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'template',
  'noscript',
  'noembed',
  'noframes',
  'svg',
  'math',
  'title',
  'head',
]);

/**
 * Reduces someone else's `formatted_body` to the spec's HTML allowlist, ready for `innerHTML`.
 *
 * The input is parsed in an inert document (no scripts run, nothing loads) and a new tree is built from
 * it that holds only permitted elements, each with only permitted attributes whose values pass their
 * check; text is copied as text nodes, so the serializer escapes it. Links open in a new tab with
 * `rel="noopener noreferrer"`; an `img` without an `mxc://` source is replaced by its `alt` text.
 *
 * Never throws. Returns '' when there is no DOM (server-side rendering) or nothing safe is left:
 * callers then render the plain `body` instead.
 */
export function sanitizeMatrixHtml(html: string, options: SanitizeMatrixHtmlOptions = {}): string {
  return sanitizedCopy(html, options)?.innerHTML ?? '';
}

/**
 * The sanitized tree, in a `div` of an inert document (nothing in it loads or runs); undefined without
 * a DOM or input. Shared with `sanitizeMatrixHtmlTree`.
 */
export function sanitizedCopy(html: string, options: SanitizeMatrixHtmlOptions): Element | undefined {
  const base = options.document ?? globalThis.document;
  if (typeof html !== 'string' || html === '' || base === undefined) return undefined;
  const maxDepth = clampDepth(options.maxDepth);
  const inert = base.implementation.createHTMLDocument('');
  inert.body.innerHTML = html;
  const output = inert.createElement('div');
  copyChildren(inert.body, output, 1, maxDepth);
  return output;
}

function clampDepth(depth: number | undefined): number {
  return depth === undefined || Number.isNaN(depth)
    ? MAX_DEPTH
    : Math.min(Math.max(Math.floor(depth), 0), MAX_DEPTH);
}

function copyChildren(source: Node, target: Node, depth: number, maxDepth: number): void {
  const document = target.ownerDocument;
  if (document === null) return;
  for (const child of Array.from(source.childNodes)) {
    if (child.nodeType === TEXT_NODE) {
      target.appendChild(document.createTextNode(child.textContent ?? ''));
      continue;
    }
    if (child.nodeType !== ELEMENT_NODE) continue;
    const element = child as Element;
    const tag = element.localName;
    if (element.namespaceURI !== HTML_NAMESPACE || DROPPED_WITH_CONTENT.has(tag) || depth > maxDepth)
      continue;
    const filters = MATRIX_HTML_ALLOWLIST.get(tag);
    if (filters === undefined) {
      // Unwrapped elements count towards the depth too, which bounds the recursion for any input.
      copyChildren(element, target, depth + 1, maxDepth);
      continue;
    }
    const copy = document.createElement(tag);
    for (const { name, value } of Array.from(element.attributes)) {
      const kept = filters.get(name)?.(value);
      if (kept !== undefined) copy.setAttribute(name, kept);
    }
    if (tag === 'img' && !copy.hasAttribute('src')) {
      const alt = copy.getAttribute('alt');
      if (alt) target.appendChild(document.createTextNode(alt));
      continue;
    }
    if (tag === 'a') {
      copy.setAttribute('target', '_blank');
      copy.setAttribute('rel', 'noopener noreferrer');
    }
    target.appendChild(copy);
    copyChildren(element, copy, depth + 1, maxDepth);
  }
}
