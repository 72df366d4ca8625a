export type ProxyMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** What an allowed request is: its pattern (a metrics label) and how it is handled. */
export interface ProxyRoute {
  /** e.g. `PUT /_matrix/client/v3/rooms/{room}/send/{type}/{txn}`; never a real id. */
  pattern: string;
  /** Media: longer timeouts, the upload limit, and headers that stop the broker's origin running content. */
  media: boolean;
}

/** An allowed request: its route and the path to ask Synapse for (re-encoded from what was checked). */
export interface ProxyTarget {
  route: ProxyRoute;
  path: string;
}

interface Spec extends ProxyRoute {
  method: ProxyMethod;
  /** Literal segments, or `null` for one `{placeholder}` segment. */
  segments: Array<string | null>;
}

const CLIENT = '/_matrix/client/v3';
const MEDIA = '/_matrix/client/v1/media';

/** The client-server calls a browser in SSE mode needs; `/sync` is not one of them (the event stream is). */
const ALLOWED: ReadonlyArray<readonly [ProxyMethod, string] | readonly [ProxyMethod, string, 'media']> = [
  ['PUT', `${CLIENT}/rooms/{room}/send/{type}/{txn}`],
  ['PUT', `${CLIENT}/rooms/{room}/redact/{event}/{txn}`],
  ['GET', `${CLIENT}/rooms/{room}/messages`],
  ['GET', `${CLIENT}/rooms/{room}/event/{event}`],
  ['GET', `${CLIENT}/rooms/{room}/members`],
  ['POST', `${CLIENT}/join/{roomOrAlias}`],
  ['PUT', `${CLIENT}/rooms/{room}/typing/{user}`],
  ['POST', `${CLIENT}/rooms/{room}/receipt/{type}/{event}`],
  ['POST', `${CLIENT}/rooms/{room}/read_markers`],
  ['GET', `${CLIENT}/pushrules/`],
  ['PUT', `${CLIENT}/pushrules/global/{kind}/{rule}`],
  ['DELETE', `${CLIENT}/pushrules/global/{kind}/{rule}`],
  ['PUT', `${CLIENT}/pushrules/global/{kind}/{rule}/enabled`],
  ['PUT', `${CLIENT}/pushrules/global/{kind}/{rule}/actions`],
  ['POST', `${CLIENT}/search`],
  ['GET', `${CLIENT}/profile/{user}`],
  ['POST', `${CLIENT}/user/{user}/filter`],
  ['POST', '/_matrix/media/v3/upload', 'media'],
  ['GET', `${MEDIA}/download/{server}/{media}`, 'media'],
  ['GET', `${MEDIA}/download/{server}/{media}/{fileName}`, 'media'],
  ['GET', `${MEDIA}/thumbnail/{server}/{media}`, 'media'],
  ['GET', `${MEDIA}/preview_url`, 'media'],
  ['GET', `${MEDIA}/config`, 'media'],
];

const SPECS: readonly Spec[] = ALLOWED.map(([method, path, kind]) => ({
  method,
  pattern: `${method} ${path}`,
  media: kind === 'media',
  segments: path
    .split('/')
    .slice(1)
    .map((segment) => (segment.startsWith('{') ? null : segment)),
}));

/** Every allowed pattern, for documentation and tests. */
export const PROXY_PATTERNS: readonly string[] = SPECS.map((spec) => spec.pattern);

/**
 * Matches a raw request path (percent-encoded, as received, without the query) against the
 * allowlist. Each segment is decoded once and must then be a whole segment: no `.` or `..`, no
 * encoded `/`, no empty segment unless the pattern ends in `/`. The path Synapse gets is built from
 * the decoded segments, so it is exactly what was checked.
 */
export function matchProxyRoute(method: string, rawPath: string): ProxyTarget | undefined {
  if (!rawPath.startsWith('/')) return undefined;
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === '.' || segment === '..' || segment.includes('/') || segment.includes('\\'))
      return undefined;
    segments.push(segment);
  }
  const spec = SPECS.find(
    (candidate) =>
      candidate.method === method &&
      candidate.segments.length === segments.length &&
      candidate.segments.every((expected, i) =>
        expected === null ? segments[i] !== '' : segments[i] === expected,
      ),
  );
  if (!spec) return undefined;
  return {
    route: { pattern: spec.pattern, media: spec.media },
    path: `/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`,
  };
}
