import { randomBytes } from 'node:crypto';
import { appserviceRegistration, buildApp, loadConfig } from '@openmeet/broker';
import {
  DEMO_USERS,
  type ExampleRuntimeConfig,
  type ExampleServer,
  HostBackend,
  seedDemo,
  serveExample,
} from '@openmeet/examples/server';
import {
  chromiumLaunchOptions,
  roomMessageBodies,
  startTestbed,
  TcpProxy,
  type Testbed,
} from '@openmeet/testbed';
import { type Browser, chromium } from 'playwright-core';
import { ChatPage } from './ChatPage.js';

export interface E2eBedOptions {
  /** The broker's demo users (`BROKER_DEV_USERS`). Default: the demo's four. */
  users?: readonly string[];
  /** Extra broker environment (over the bed's defaults). */
  brokerEnv?: Record<string, string>;
  /** Extra Synapse options (e.g. URL previews). */
  synapseConfig?: Record<string, unknown>;
  /** The app's transport unless a page asks otherwise (`?transport=`). Default `auto`. */
  transport?: ExampleRuntimeConfig['transport'];
}

/**
 * Everything one browser test file needs, on loopback: a real Synapse (reached by the browsers
 * through `proxy`, so a test can cut their network to it and leave the broker reachable), the broker
 * in dev identity mode with the host webhooks on, the built example app served with a runtime
 * config pointing at that broker, and one Chromium.
 */
export interface E2eBed {
  testbed: Testbed;
  broker: ReturnType<typeof buildApp>;
  brokerUrl: string;
  /** Between the browsers and Synapse: `cut()` it for an outage, `start()` it to restore. */
  proxy: TcpProxy;
  app: ExampleServer;
  /** The host app's backend: signed host-events and membership webhooks. */
  host: HostBackend;
  browser: Browser;
  /** The demo's group and event with these members (the first one a moderator) and the event notice. */
  seed(members: readonly string[]): Promise<{ groupRoomId: string; eventRoomId: string }>;
  /**
   * The bodies of the room's `m.room.message` events as Synapse holds them, oldest first (edits
   * included, redacted ones empty), read with the admin token: what was really delivered.
   */
  bodiesOnServer(roomId: string): Promise<string[]>;
  /** A fresh browser context (its own storage: a separate browser profile) signed in as `user`. */
  signIn(user: string, options?: { hash?: string; query?: Record<string, string> }): Promise<ChatPage>;
  stop(): Promise<void>;
}

export async function startE2eBed(options: E2eBedOptions = {}): Promise<E2eBed> {
  const users = options.users ?? DEMO_USERS;
  const asToken = randomBytes(24).toString('hex');
  const webhookSecret = randomBytes(24).toString('hex');
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const close of stops.reverse()) await close().catch(() => {});
    stops.length = 0;
  };

  try {
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
      synapseConfig: { refreshable_access_token_lifetime: '5m', ...options.synapseConfig },
    });
    stops.push(() => testbed.stop());

    const proxy = new TcpProxy({ host: '127.0.0.1', port: Number(new URL(testbed.homeserverUrl).port) });
    await proxy.start();
    stops.push(() => proxy.cut());

    // The app first: the broker's CORS list needs its origin; the app learns the broker's URL
    // from the config the server puts in each page.
    let brokerUrl = '';
    const app = await serveExample({
      config: () => ({ brokerUrl, users, ...(options.transport ? { transport: options.transport } : {}) }),
    });
    stops.push(() => app.close());

    const broker = buildApp(
      loadConfig({
        NODE_ENV: 'test',
        BROKER_LOG_LEVEL: 'silent',
        BROKER_CORS_ORIGINS: app.url,
        MATRIX_HOMESERVER_URL: testbed.homeserverUrl,
        MATRIX_PUBLIC_HOMESERVER_URL: `http://127.0.0.1:${proxy.port}`,
        MATRIX_SERVER_NAME: testbed.serverName,
        SYNAPSE_ADMIN_TOKEN: testbed.adminToken,
        MATRIX_AS_TOKEN: asToken,
        BROKER_DEV_IDENTITY: 'true',
        BROKER_DEV_USERS: users.join(','),
        BROKER_WEBHOOK_SECRET: webhookSecret,
        BROKER_RATE_LIMIT_PER_MINUTE: '100000',
        // Browsers, Synapse and the broker share two cores: a lagging loop is load, not overload.
        BROKER_MAX_EVENT_LOOP_DELAY_MS: '0',
        ...options.brokerEnv,
      }),
    );
    brokerUrl = await broker.listen({ host: '127.0.0.1', port: 0 });
    stops.push(() => broker.close());

    const browser = await chromium.launch(chromiumLaunchOptions());
    stops.push(() => browser.close());

    const host = new HostBackend({ brokerUrl, webhookSecret });
    return {
      testbed,
      broker,
      brokerUrl,
      proxy,
      app,
      host,
      browser,
      seed: (members) => seedDemo(host, members),
      bodiesOnServer: (roomId) => roomMessageBodies(testbed, roomId),
      async signIn(user, { hash = '', query = {} } = {}) {
        const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
        const page = await context.newPage();
        const search = new URLSearchParams(query).toString();
        await page.goto(`${app.url}/${search ? `?${search}` : ''}${hash}`);
        const chat = new ChatPage(page, user);
        await chat.signIn();
        return chat;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
