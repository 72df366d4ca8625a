import { Fragment, type ReactNode } from 'react';

/** http(s) URLs; trailing punctuation is left out below, as in "see https://example.org." */
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

/** The http(s) URLs in plain text, in order. */
export function findUrls(text: string): string[] {
  return Array.from(text.matchAll(URL_PATTERN), (match) => match[0].replace(TRAILING, '')).filter(
    (url) => url.length > 'https://'.length,
  );
}

/**
 * Plain text with its http(s) URLs as links that open in a new tab without giving the page a handle
 * on ours (`noopener`) or our address (`noreferrer`). Text stays text: React escapes it. Nodes are
 * keyed by their position (plus `offset`, for text cut from a longer body).
 */
export function linkify(text: string, offset = 0): ReactNode[] {
  const nodes: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING, '');
    const start = match.index;
    if (start > last) nodes.push(<Fragment key={offset + last}>{text.slice(last, start)}</Fragment>);
    nodes.push(
      <a key={offset + start} href={url} target="_blank" rel="noopener noreferrer">
        {url}
      </a>,
    );
    last = start + url.length;
  }
  if (last < text.length) nodes.push(<Fragment key={offset + last}>{text.slice(last)}</Fragment>);
  return nodes;
}
