/**
 * Whether this browser reaches the homeserver: `GET /_matrix/client/versions` (public, cheap)
 * answers within `timeoutMs`. Blocked networks fail or hang; both mean no.
 */
export async function probeHomeserver(
  homeserverUrl: string,
  fetch: typeof globalThis.fetch,
  timeoutMs = 4000,
): Promise<boolean> {
  try {
    const response = await fetch(`${homeserverUrl.replace(/\/+$/, '')}/_matrix/client/versions`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.ok;
  } catch {
    return false;
  }
}
