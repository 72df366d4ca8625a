/** Query parameters that may carry credentials; their values never reach a log line. */
const SECRET_PARAMS = /([?&](?:access_token|token|ticket|refresh_token|key)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[REDACTED]');
}
