import { availableParallelism } from 'node:os';
import type { Cleanup } from '../broker-tokens/cleanup.js';
import { formatTargets } from '../broker-tokens/report.js';
import { brokerEnv, startCutoverSynapse } from '../cutover/synapse.js';
import { runBench } from '../shared/runBench.js';
import { readConfig } from './config.js';
import { Child } from './ipc.js';
import { measureSide, type Side, type SideMeasurement } from './measureSide.js';
import { checkTargets, formatSides } from './report.js';
import { SDK_START_OPTIONS, type SdkSession } from './sdkSession.js';
import { loginUsers, provisionRoom } from './setup.js';

const OTHER_CPU_WARNING = 0.1;

const progress = (line: string) => console.error(`· ${line}`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(0)} s`;

async function main(cleanup: Cleanup): Promise<number> {
  const config = readConfig();
  // User 0 is each side's warm-up; users 1…N are the ones measured.
  const hostUserIds = Array.from({ length: config.users + 1 }, (_, i) => `u${i}`);

  progress('starting Synapse');
  const synapse = await startCutoverSynapse(undefined);
  cleanup.add('Synapse', () => synapse.testbed.stop());
  let since = performance.now();
  progress(`provisioning ${hostUserIds.length} users into one room (signed host webhooks)`);
  const roomId = await provisionRoom(synapse, hostUserIds, config.concurrency);
  progress(`provisioned in ${seconds(since)}`);

  const broker = new Child(new URL('./brokerProcess.ts', import.meta.url), {
    ...brokerEnv(synapse),
    BROKER_DEV_USERS: hostUserIds.join(','),
    // One IP opens every stream: the per-IP limit would otherwise refuse the setup itself.
    BROKER_RATE_LIMIT_PER_MINUTE: '100000000',
    ...(process.env.BENCH_BROKER_MODULE ? { BENCH_BROKER_MODULE: process.env.BENCH_BROKER_MODULE } : {}),
  });
  cleanup.add('broker', () => broker.stop());
  const load = new Child(new URL('./sseLoad.ts', import.meta.url));
  cleanup.add('SSE load', () => load.stop());
  const brokerUrl = await broker.call<string>('url');
  const sseSide: Side = {
    target: broker,
    consumer: load,
    connect: async (from, to) =>
      (
        await load.call<{ failures: string[] }>('connect', {
          brokerUrl,
          users: hostUserIds.slice(from, to),
          concurrency: config.concurrency,
        })
      ).failures,
  };
  const sse = await measureSide('SSE broker', sseSide, { synapse, roomId, config });
  // Printed now as well: at large N the baseline may not get all its clients synced at all.
  progress(`SSE broker measured:\n${formatSides([{ name: 'SSE broker (1 process)', m: sse }])}`);
  const dropped = await load.call<number>('dropped');
  const retries = await load.call<number>('retries');
  // Stop the broker's sync loops before the baseline starts its own.
  await load.stop();
  await broker.stop();
  if (config.sseOnly) {
    console.log(formatSides([{ name: 'SSE broker (1 process)', m: sse }]));
    if (dropped > 0) console.log(`\nwarning: ${dropped} SSE stream(s) ended during the run`);
    if (sse.otherCores > OTHER_CPU_WARNING) console.log('\nwarning: other processes kept the CPU busy');
    return sse.sendFailures.length > 0 ? 1 : 0;
  }

  since = performance.now();
  progress(`logging in ${hostUserIds.length} users for the baseline`);
  const sessions: SdkSession[] = await loginUsers(synapse, hostUserIds, config.concurrency);
  progress(`logged in in ${seconds(since)}`);
  const sdk = new Child(new URL('./sdkClients.ts', import.meta.url));
  cleanup.add('matrix-js-sdk clients', () => sdk.stop());
  const homeserverUrl = synapse.testbed.homeserverUrl;
  const sdkSide: Side = {
    target: sdk,
    consumer: sdk,
    connect: async (from, to) =>
      (
        await sdk.call<{ failures: string[] }>('start', {
          homeserverUrl,
          sessions: sessions.slice(from, to),
          concurrency: config.concurrency,
        })
      ).failures,
  };
  const baseline = await measureSide('matrix-js-sdk', sdkSide, { synapse, roomId, config });
  await sdk.call('close');
  await sdk.stop();

  console.log(
    `\nsse-capacity — ${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} CPUs, ` +
      `Node ${process.version}, Synapse ${synapse.testbed.synapseVersion} (SQLite), ${config.users} idle users ` +
      `in one room, idle CPU over ${config.idleSeconds} s, fan-out ${config.rate} messages/s for ` +
      `${config.seconds} s; matrix-js-sdk startClient(${JSON.stringify(SDK_START_OPTIONS)}) with the broker's sync filter\n`,
  );
  const rows: Array<{ name: string; m: SideMeasurement }> = [
    { name: 'SSE broker (1 process)', m: sse },
    { name: 'matrix-js-sdk, client per user', m: baseline },
  ];
  console.log(formatSides(rows));
  console.log(`\n${formatTargets(checkTargets(sse, baseline))}`);

  if (rows.some(({ m }) => m.otherCores > OTHER_CPU_WARNING)) {
    console.log(
      '\nwarning: other processes kept the CPU busy during a measured window: rerun on an idle machine before trusting the numbers',
    );
  }
  if (dropped > 0) console.log(`\nwarning: ${dropped} SSE stream(s) ended during the run`);
  if (retries > 0) {
    console.log(
      `\nnote: ${retries} SSE connection attempt(s) got 503/429 and were retried after Retry-After`,
    );
  }
  const sendFailures = rows.flatMap(({ name, m }) => m.sendFailures.map((f) => `${name}: ${f}`));
  if (sendFailures.length > 0) {
    console.error(
      `${sendFailures.length} message(s) failed to send, e.g. ${sendFailures.slice(0, 3).join(' | ')}`,
    );
    return 1;
  }
  return 0;
}

await runBench('sse-capacity', main);
