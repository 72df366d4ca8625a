// The demo: a Synapse on SQLite and the broker (memory store, dev identity mode), living as long
// as this process. The example app joins them with the widgets (issue #7).
import { randomBytes } from 'node:crypto';
import { appserviceRegistration, buildApp, loadConfig } from '@openmeet/broker';
import { startTestbed } from '@openmeet/testbed';

const asToken = randomBytes(32).toString('hex');
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

const config = loadConfig({
  NODE_ENV: 'development',
  BROKER_PORT: process.env.BROKER_PORT ?? '8787',
  BROKER_LOG_LEVEL: process.env.BROKER_LOG_LEVEL ?? 'warn',
  BROKER_CORS_ORIGINS: 'http://127.0.0.1:5173,http://localhost:5173',
  MATRIX_HOMESERVER_URL: testbed.homeserverUrl,
  MATRIX_SERVER_NAME: testbed.serverName,
  SYNAPSE_ADMIN_TOKEN: testbed.adminToken,
  MATRIX_AS_TOKEN: asToken,
  BROKER_DEV_IDENTITY: 'true',
});
const broker = buildApp(config);
const brokerUrl = await broker.listen({ host: config.host, port: config.port });

console.log(`
OpenMeet Chat demo is running (Ctrl+C stops it).

  Synapse        ${testbed.homeserverUrl}   (server name: ${testbed.serverName})
  Admin login    ${testbed.adminUserId}  password: ${testbed.adminPassword}
  Broker         ${brokerUrl}   (API docs: ${brokerUrl}/docs)
  Demo users     ${config.devIdentity.users.join(', ')}

Sign in as a demo user and get a Matrix token:
  TOKEN=$(curl -s -X POST ${brokerUrl}/v1/dev/host-token -H 'content-type: application/json' -d '{"userId":"alice"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
  curl -s -X POST ${brokerUrl}/v1/session -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"deviceKey":"demo-device-1"}'
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.error('\nstopping…');
    await broker.close();
    await testbed.stop();
    process.exit(0);
  });
}
