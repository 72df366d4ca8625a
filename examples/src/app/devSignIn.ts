/** "alice" → "Alice", the display name the demo's host backend gives its users too. */
export function displayNameOf(user: string): string {
  return user.charAt(0).toUpperCase() + user.slice(1);
}

/**
 * The host session of a demo user, from the broker's dev identity mode (`POST /v1/dev/host-token`),
 * standing in for a real host app's login. The token is kept until a minute before it expires.
 */
export function devHostToken(brokerUrl: string, user: string): () => Promise<string> {
  let current: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetchToken = async () => {
    const response = await fetch(new URL('/v1/dev/host-token', brokerUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: user, displayName: displayNameOf(user) }),
    });
    if (!response.ok) throw new Error(`The broker refused to sign in ${user} (${response.status}).`);
    const { token } = (await response.json()) as { token: string };
    current = { token, expiresAt: expiryOf(token) };
    return token;
  };
  return () => {
    if (current && current.expiresAt - 60_000 > Date.now()) return Promise.resolve(current.token);
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

/** The JWT's `exp` in ms (its payload is base64url JSON); 0 when unreadable, so it is fetched again. */
function expiryOf(token: string): number {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : 0;
  } catch {
    return 0;
  }
}
