/**
 * Whether this browser reaches the homeserver: `GET /_matrix/client/versions` (public, cheap)
 * answers within `timeoutMs`. Blocked networks fail or hang; both mean no. Never from the HTTP
 * cache: Synapse lets browsers cache the answer, which would say "reachable" with the network down.
 */
export async function probeHomeserver(
  homeserverUrl: string,
  fetch: typeof globalThis.fetch,
  timeoutMs = 4000,
): Promise<boolean> {
  try {
    const response = await fetch(`${homeserverUrl.replace(/\/+$/, '')}/_matrix/client/versions`, {
      signal: AbortSignal.timeout(timeoutMs),
      cache: 'no-store',
    });
    return response.ok;
  } catch {
    return false;
  }
}
