export interface BrokerSession {
  userId: string;
  deviceId: string;
  accessToken: string;
  expiresAt: number;
  homeserverUrl: string;
}

async function postJson<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${new URL(url).pathname}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** A host session JWT from the broker's dev identity mode (each broker instance has its own keys). */
export async function devHostToken(brokerUrl: string, userId: string): Promise<string> {
  const { token } = await postJson<{ token: string }>(`${brokerUrl}/v1/dev/host-token`, { userId });
  return token;
}

export function sessionRequest(hostToken: string, deviceKey: string) {
  return {
    headers: { authorization: `Bearer ${hostToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ deviceKey }),
  };
}

export function postSession(brokerUrl: string, hostToken: string, deviceKey: string): Promise<BrokerSession> {
  return postJson<BrokerSession>(
    `${brokerUrl}/v1/session`,
    { deviceKey },
    { authorization: `Bearer ${hostToken}` },
  );
}
