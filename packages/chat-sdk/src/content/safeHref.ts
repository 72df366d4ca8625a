/** The schemes the spec permits for `a href`; anything else, and any relative URL, is refused. */
export const LINK_SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:', 'ftp:', 'mailto:', 'magnet:']);

/**
 * Returns the canonical form of `href` when it is an absolute URL with a permitted scheme, else undefined.
 * The WHATWG URL parser is used rather than a regex because it is what the browser will navigate with:
 * it strips the tabs, newlines and control characters that hide `java\tscript:` from naive checks.
 */
export function safeHref(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  return LINK_SCHEMES.has(url.protocol) ? url.href : undefined;
}
