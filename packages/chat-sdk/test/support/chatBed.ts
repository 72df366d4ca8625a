import { randomBytes, randomUUID } from 'node:crypto';
import { appserviceRegistration, buildApp, loadConfig, signWebhook } from '@openmeet/broker';
import { startTestbed, TcpProxy, type Testbed } from '@openmeet/testbed';
import { type ChatClient, type ChatClientOptions, createChatClient } from '../../src/index.js';
import { MemoryOutboxStorage } from '../../src/outbox/MemoryOutboxStorage.js';

export const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'] as const;
const WEBHOOK_SECRET = `webhook-${randomBytes(16).toString('hex')}`;

/** A real Synapse and a real broker (dev identity, memory store) listening on loopback. */
export interface ChatBed {
  testbed: Testbed;
  broker: ReturnType<typeof buildApp>;
  /** Between the clients and Synapse (the broker talks to Synapse directly): cut it to cut them off. */
  proxy: TcpProxy;
  brokerUrl: string;
  /**
   * A client for a demo user, on fresh in-memory storage unless given; closed by `stop()`. It
   * reaches Synapse through `proxy`, unless `direct` (a user whose network stays up).
   */
  client(user: string, options?: Partial<ChatClientOptions>, network?: { direct?: boolean }): ChatClient;
  hostToken(user: string): Promise<string>;
  /** The Matrix access token a client of `client()` last sent (to bypass the SDK in a test). */
  accessToken(client: ChatClient): string | undefined;
  /** Signed host-app webhooks: `/v1/host/events` and `/v1/membership/events`. */
  hostEvents(events: unknown[]): Promise<{ results: Array<Record<string, unknown>> }>;
  membershipEvents(events: unknown[]): Promise<{ results: Array<Record<string, unknown>> }>;
  /** A public group with these members, created through the host webhooks. */
  group(id: string, members: readonly string[], visibility?: 'public' | 'private'): Promise<string>;
  stop(): Promise<void>;
}

export async function startChatBed(
  options: { tokenLifetime?: string; brokerEnv?: Record<string, string> } = {},
): Promise<ChatBed> {
  const asToken = randomBytes(24).toString('hex');
  const testbed = await startTestbed({
    appServices: [
      appserviceRegistration({
        asToken,
        hsToken: randomBytes(24).toString('hex'),
        serverName: 'localhost',
        localpartPrefix: 'om_',
      }),
    ],
    rateLimits: 'relaxed',
    synapseConfig: {
      refreshable_access_token_lifetime: options.tokenLifetime ?? '5m',
      // Link previews of pages the tests serve on loopback (blocked by default, rightly).
      url_preview_enabled: true,
      url_preview_ip_range_blacklist: ['10.0.0.0/8'],
      url_preview_ip_range_whitelist: ['127.0.0.1'],
    },
  });
  const proxy = new TcpProxy({ host: '127.0.0.1', port: Number(new URL(testbed.homeserverUrl).port) });
  await proxy.start();
  const broker = buildApp(
    loadConfig({
      NODE_ENV: 'test',
      BROKER_LOG_LEVEL: 'silent',
      MATRIX_HOMESERVER_URL: testbed.homeserverUrl,
      MATRIX_PUBLIC_HOMESERVER_URL: `http://127.0.0.1:${proxy.port}`,
      MATRIX_SERVER_NAME: testbed.serverName,
      SYNAPSE_ADMIN_TOKEN: testbed.adminToken,
      MATRIX_AS_TOKEN: asToken,
      BROKER_DEV_IDENTITY: 'true',
      BROKER_DEV_USERS: USERS.join(','),
      BROKER_WEBHOOK_SECRET: WEBHOOK_SECRET,
      BROKER_RATE_LIMIT_PER_MINUTE: '100000',
      BROKER_MAX_EVENT_LOOP_DELAY_MS: '0',
      ...options.brokerEnv,
    }),
  );
  const brokerUrl = await broker.listen({ host: '127.0.0.1', port: 0 });
  const clients: ChatClient[] = [];

  const signed = async (path: string, events: unknown[]) => {
    const body = JSON.stringify({ id: randomUUID(), events });
    const response = await fetch(`${brokerUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signWebhook(WEBHOOK_SECRET, body) },
      body,
    });
    const json = (await response.json()) as { results: Array<Record<string, unknown>>; failed: number };
    if (!response.ok || json.failed > 0)
      throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const hostToken = async (user: string) => {
    const response = await fetch(`${brokerUrl}/v1/dev/host-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: user }),
    });
    if (!response.ok) throw new Error(`host token for ${user}: ${response.status}`);
    return ((await response.json()) as { token: string }).token;
  };

  const accessTokens = new WeakMap<ChatClient, () => string | undefined>();
  const bed: ChatBed = {
    testbed,
    broker,
    proxy,
    brokerUrl,
    hostToken,
    client(user, overrides = {}, network = {}) {
      let token: Promise<string> | undefined;
      let accessToken: string | undefined;
      const proxied = `http://127.0.0.1:${proxy.port}`;
      const base = overrides.fetch ?? fetch;
      const direct: typeof fetch = (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        return base(
          url.startsWith(proxied) ? testbed.homeserverUrl + url.slice(proxied.length) : input,
          init,
        );
      };
      const outbound = network.direct ? direct : base;
      // Notes the Matrix token of each homeserver (or relay) request, for `accessToken`.
      const recording: typeof fetch = (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        const authorization = new Headers(init?.headers).get('authorization');
        if (url.includes('/_matrix/') && authorization?.startsWith('Bearer ')) {
          accessToken = authorization.slice('Bearer '.length);
        }
        return outbound(input, init);
      };
      const client = createChatClient({
        brokerUrl,
        getHostToken: () => (token ??= hostToken(user)),
        storage: new MemoryOutboxStorage(),
        deviceKey: `test${randomBytes(8).toString('hex')}`,
        // Cutting the proxy means "the network is down" unless a test asks for the SSE fallback.
        transport: 'direct',
        ...overrides,
        fetch: recording,
      });
      clients.push(client);
      accessTokens.set(client, () => accessToken);
      return client;
    },
    accessToken: (client) => accessTokens.get(client)?.(),
    hostEvents: (events) => signed('/v1/host/events', events),
    membershipEvents: (events) => signed('/v1/membership/events', events),
    async group(id, members, visibility = 'public') {
      const created = await signed('/v1/host/events', [
        { type: 'entity.upserted', entity: { kind: 'group', id, slug: id, name: `Group ${id}`, visibility } },
      ]);
      if (members.length > 0) {
        // Users are provisioned when they first sign in; the webhook provisions the rest.
        await signed(
          '/v1/membership/events',
          members.map((hostUserId) => ({ type: 'member.added', entity: { kind: 'group', id }, hostUserId })),
        );
      }
      return created.results[0]?.roomId as string;
    },
    async stop() {
      await Promise.allSettled(clients.map((client) => client.close()));
      await broker.close();
      await proxy.cut();
      await testbed.stop();
    },
  };
  return bed;
}
