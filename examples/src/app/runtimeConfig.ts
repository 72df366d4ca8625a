export type Transport = 'auto' | 'direct' | 'sse';

export interface RuntimeConfig {
  brokerUrl: string;
  /** The demo users the sign-in screen offers (the broker's `BROKER_DEV_USERS`). */
  users: readonly string[];
  transport: Transport;
}

const DEFAULTS: RuntimeConfig = {
  brokerUrl: import.meta.env.VITE_BROKER_URL ?? 'http://127.0.0.1:8787',
  users: ['alice', 'bob', 'carol', 'dave'],
  transport: 'auto',
};

const TRANSPORTS: readonly string[] = ['auto', 'direct', 'sse'];

/**
 * Where the broker is, read when the app starts so one build serves the demo and the tests: the
 * config the example server puts in the page (`#openmeet-example-config`), else `/config.json`
 * (Vite's dev server), then `?broker=` and `?transport=` in the page URL, over the build-time
 * `VITE_BROKER_URL` and the defaults.
 */
export async function loadRuntimeConfig(
  location: Location = window.location,
  doc: Document = document,
): Promise<RuntimeConfig> {
  const served: Partial<RuntimeConfig> = inlineConfig(doc) ?? (await fetchConfig(location));
  const query = new URLSearchParams(location.search);
  const transport = query.get('transport') ?? served.transport ?? DEFAULTS.transport;
  const users = Array.isArray(served.users) && served.users.length > 0 ? served.users : DEFAULTS.users;
  return {
    brokerUrl: query.get('broker') ?? served.brokerUrl ?? DEFAULTS.brokerUrl,
    users,
    transport: TRANSPORTS.includes(transport) ? (transport as Transport) : DEFAULTS.transport,
  };
}

function inlineConfig(doc: Document): Partial<RuntimeConfig> | undefined {
  const text = doc.getElementById('openmeet-example-config')?.textContent;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Partial<RuntimeConfig>;
  } catch {
    return undefined;
  }
}

function fetchConfig(location: Location): Promise<Partial<RuntimeConfig>> {
  return fetch(new URL('config.json', location.href), { cache: 'no-store' })
    .then((response) => (response.ok ? response.json() : {}))
    .catch(() => ({}));
}
