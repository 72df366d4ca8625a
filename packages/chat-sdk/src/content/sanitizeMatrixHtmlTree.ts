import { type SanitizeMatrixHtmlOptions, sanitizedCopy } from './sanitizeMatrixHtml.js';

/** Sanitized `formatted_body` as data: text, or an allowlisted element. */
export type MatrixHtmlNode = string | MatrixHtmlElement;

export interface MatrixHtmlElement {
  /** A tag of the Matrix allowlist, lower case. */
  tag: string;
  /** Only permitted attributes, each with a value that passed its check (`img src` is always `mxc://`). */
  attributes: Readonly<Record<string, string>>;
  children: readonly MatrixHtmlNode[];
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/**
 * `sanitizeMatrixHtml` as a tree instead of a string, for renderers that build their own elements (React,
 * a native view) rather than assigning `innerHTML`: nothing is parsed again in the live page, and an
 * `img`'s `mxc://` source can be swapped for a fetched URL before any element exists. Adjacent text is
 * merged. Never throws; `[]` when there is no DOM or nothing safe is left.
 */
export function sanitizeMatrixHtmlTree(
  html: string,
  options: SanitizeMatrixHtmlOptions = {},
): MatrixHtmlNode[] {
  const copy = sanitizedCopy(html, options);
  return copy === undefined ? [] : nodesOf(copy);
}

function nodesOf(parent: Element): MatrixHtmlNode[] {
  const nodes: MatrixHtmlNode[] = [];
  for (const child of Array.from(parent.childNodes)) {
    if (child.nodeType === TEXT_NODE) {
      const text = child.textContent ?? '';
      const previous = nodes[nodes.length - 1];
      if (typeof previous === 'string') nodes[nodes.length - 1] = previous + text;
      else if (text !== '') nodes.push(text);
    } else if (child.nodeType === ELEMENT_NODE) {
      const element = child as Element;
      const attributes: Record<string, string> = {};
      for (const { name, value } of Array.from(element.attributes)) attributes[name] = value;
      nodes.push({ tag: element.localName, attributes, children: nodesOf(element) });
    }
  }
  return nodes;
}
