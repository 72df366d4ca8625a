/**
 * `mxc://<server-name>/<media-id>`: the server name is a DNS name, IPv4 or bracketed IPv6 address with an
 * optional port; the media ID uses only `A-Z a-z 0-9 _ -` (client-server spec, "Matrix Content (mxc://) URIs").
 * A DNS name is dot-separated non-empty labels (at most 255 characters): the spec's grammar would also take
 * `.` or `..`, which in a media path (`/media/download/../x`) would address another endpoint.
 */
const MXC_URL =
  /^mxc:\/\/(?:\[[0-9A-Fa-f:.]{2,45}\]|(?=[A-Za-z0-9.-]{1,255}[:/])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?::\d{1,5})?\/[A-Za-z0-9_-]+$/;

export function isMxcUrl(value: unknown): value is string {
  return typeof value === 'string' && MXC_URL.test(value);
}
