// The demo: a Synapse on SQLite, the broker (memory store, dev identity mode, host webhooks on) and
// the example app, living as long as this process. The demo's host data (a group, an event with a
// notice, four members) arrives through the signed host webhooks, as a host app's backend sends it.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { appserviceRegistration, buildApp, loadConfig } from '@openmeet/broker';
import { startTestbed } from '@openmeet/testbed';
import {
  DEMO_EVENT,
  DEMO_GROUP,
  DEMO_USERS,
  HostBackend,
  seedDemo,
  serveExample,
} from '../examples/dist/server/index.js';

const APP_PORT = Number(process.env.DEMO_APP_PORT ?? 5173);
const BROKER_PORT = Number(process.env.BROKER_PORT ?? 8787);
const VITE_DEV_ORIGINS = 'http://127.0.0.1:5174,http://localhost:5174';

const stops = [];
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  console.error('\nstopping…');
  for (const close of stops.reverse()) await close().catch((error) => console.error(error));
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(0));

try {
  await main();
} catch (error) {
  console.error('the demo could not start:', error);
  await stop(1);
}

async function main() {
  const asToken = randomBytes(32).toString('hex');
  const webhookSecret = randomBytes(32).toString('hex');
  const testbed = await startTestbed({
    appServices: [
      appserviceRegistration({
        asToken,
        hsToken: randomBytes(32).toString('hex'),
        serverName: 'localhost',
        localpartPrefix: 'om_',
      }),
    ],
    synapseConfig: { refreshable_access_token_lifetime: '15m' },
    log: (line) => console.error(`[testbed] ${line}`),
  });
  stops.push(() => testbed.stop());

  // The app first: the broker's CORS list needs its origin, and the app reads the broker's URL at
  // runtime from /config.json, so either port may move when the usual one is taken.
  let brokerUrl = '';
  const app = await serveExample({
    port: APP_PORT,
    fallbackPort: true,
    config: () => ({ brokerUrl, users: DEMO_USERS }),
  });
  stops.push(() => app.close());
  const appPort = new URL(app.url).port;

  const config = loadConfig({
    NODE_ENV: 'development',
    BROKER_PORT: String((await portIsFree(BROKER_PORT)) ? BROKER_PORT : 0),
    BROKER_LOG_LEVEL: process.env.BROKER_LOG_LEVEL ?? 'warn',
    // The served app, and Vite's dev server beside it (`pnpm --filter @openmeet/examples dev` moves
    // to 5174 while the demo holds 5173) for working on the app with hot reload.
    BROKER_CORS_ORIGINS: [app.url, `http://localhost:${appPort}`, VITE_DEV_ORIGINS].join(','),
    MATRIX_HOMESERVER_URL: testbed.homeserverUrl,
    MATRIX_SERVER_NAME: testbed.serverName,
    SYNAPSE_ADMIN_TOKEN: testbed.adminToken,
    MATRIX_AS_TOKEN: asToken,
    BROKER_DEV_IDENTITY: 'true',
    BROKER_DEV_USERS: DEMO_USERS.join(','),
    BROKER_WEBHOOK_SECRET: webhookSecret,
  });
  const broker = buildApp(config);
  brokerUrl = await broker.listen({ host: config.host, port: config.port });
  stops.push(() => broker.close());

  console.error('seeding the demo: the group, the event, its members and a notice…');
  await seedDemo(new HostBackend({ brokerUrl, webhookSecret }), DEMO_USERS);

  console.log(`
OpenMeet Chat demo is running (Ctrl+C stops it).

  App            ${app.url}   ← open this, sign in as a demo user
  Demo users     ${DEMO_USERS.join(', ')}   (a private window per user to chat between them)
  Rooms          group "${DEMO_GROUP.slug}", event "${DEMO_EVENT.slug}" (with a notice), DMs on demand
  Synapse        ${testbed.homeserverUrl}   (server name: ${testbed.serverName})
  Admin login    ${testbed.adminUserId}  password: ${testbed.adminPassword}
  Broker         ${brokerUrl}   (API docs: ${brokerUrl}/docs)

Sign in as a demo user and get a Matrix token from the command line:
  TOKEN=$(curl -s -X POST ${brokerUrl}/v1/dev/host-token -H 'content-type: application/json' -d '{"userId":"alice"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
  curl -s -X POST ${brokerUrl}/v1/session -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"deviceKey":"demo-device-1"}'
`);
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => probe.close(() => resolve(true)))
      .listen(port, '127.0.0.1');
  });
}
