import { availableParallelism } from 'node:os';
import { runBench } from '../shared/runBench.js';
import { devHostToken, postSession, sessionRequest } from './brokerClient.js';
import type { Cleanup } from './cleanup.js';
import { readBenchConfig } from './config.js';
import type { LoadTarget } from './load.js';
import { type Measurement, measure } from './measure.js';
import { checkTargets, formatRows, formatTargets, type Row } from './report.js';
import { BENCH_USER, startBareFastify, startBroker } from './servers.js';
import { appserviceLoginBody, startSynapse } from './synapse.js';

// Rows 3 and 4 log into this same device, so Synapse does the same work on both sides.
const DEVICE_KEY = 'bench-device-01';

// Above this, something else on the machine competed with the run for a noticeable share of a core.
const OTHER_CPU_WARNING = 0.1;

const progress = (line: string) => console.error(`· ${line}`);

async function main(cleanup: Cleanup): Promise<number> {
  const config = readBenchConfig();
  progress('starting Synapse');
  const synapse = await startSynapse();
  cleanup.add('Synapse', () => synapse.testbed.stop());
  const bare = await startBareFastify();
  cleanup.add('bare Fastify', () => bare.close());
  const cachedBroker = await startBroker(synapse);
  cleanup.add('cached broker', () => cachedBroker.close());
  // A cached token never has 100000 s left, so this instance logs in to Synapse on every call.
  const mintBroker = await startBroker(synapse, { BROKER_TOKEN_MIN_REMAINING_SECONDS: '100000' });
  cleanup.add('minting broker', () => mintBroker.close());

  // The first call provisions @om_bench:localhost and its device; the checks below catch a stale
  // dist/ or a config that does not take the path a row claims to measure.
  const cachedHostToken = await devHostToken(cachedBroker.url, BENCH_USER);
  const first = await postSession(cachedBroker.url, cachedHostToken, DEVICE_KEY);
  const repeat = await postSession(cachedBroker.url, cachedHostToken, DEVICE_KEY);
  if (repeat.accessToken !== first.accessToken) throw new Error('the cached broker minted a second token');
  const mintHostToken = await devHostToken(mintBroker.url, BENCH_USER);
  const minted = await postSession(mintBroker.url, mintHostToken, DEVICE_KEY);
  const remint = await postSession(mintBroker.url, mintHostToken, DEVICE_KEY);
  if (remint.accessToken === minted.accessToken)
    throw new Error('the minting broker returned a cached token');
  if (minted.deviceId !== first.deviceId) throw new Error('the two brokers disagree on the device id');

  const run = async (id: string, name: string, target: LoadTarget, connections: number): Promise<Row> => {
    const { durationSec, warmupSec } = config;
    const synapsePid = synapse.testbed.synapsePid;
    progress(`(${id}) ${name}: ${warmupSec} s warm-up + ${durationSec} s, ${connections} conns`);
    const measurement = await measure(target, { connections, durationSec, warmupSec, synapsePid });
    return { id, name, measurement };
  };
  const rows = [
    await run('1', 'bare Fastify GET /', { url: bare.url }, config.connections),
    await run(
      '2',
      'broker POST /v1/session, cached',
      {
        url: `${cachedBroker.url}/v1/session`,
        method: 'POST',
        ...sessionRequest(cachedHostToken, DEVICE_KEY),
      },
      config.connections,
    ),
    await run(
      '3',
      'Synapse appservice login',
      {
        url: `${synapse.testbed.homeserverUrl}/_matrix/client/v3/login`,
        method: 'POST',
        headers: { authorization: `Bearer ${synapse.asToken}`, 'content-type': 'application/json' },
        body: appserviceLoginBody(first.userId, first.deviceId),
      },
      config.mintConnections,
    ),
    await run(
      '4',
      'broker POST /v1/session, fresh mint',
      { url: `${mintBroker.url}/v1/session`, method: 'POST', ...sessionRequest(mintHostToken, DEVICE_KEY) },
      config.mintConnections,
    ),
  ];

  const [bareRow, cachedRow, synapseRow, mintRow] = rows.map((row) => row.measurement) as [
    Measurement,
    Measurement,
    Measurement,
    Measurement,
  ];
  console.log(
    `\nbroker-tokens — ${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} CPUs, ` +
      `Node ${process.version}, Fastify ${bare.fastifyVersion} (broker ${cachedBroker.fastifyVersion}), ` +
      `Synapse ${synapse.testbed.synapseVersion}, ${config.durationSec} s per run\n`,
  );
  console.log(formatRows(rows));
  console.log(
    `\n${formatTargets(checkTargets({ bare: bareRow, cached: cachedRow, synapse: synapseRow, mint: mintRow }))}`,
  );

  const disturbed = rows.filter((row) => row.measurement.otherCores > OTHER_CPU_WARNING);
  if (disturbed.length > 0) {
    console.log(
      `\nwarning: other processes kept ${disturbed.map((r) => `(${r.id}) ${r.measurement.otherCores.toFixed(2)}`).join(', ')} ` +
        'cores busy during the measured runs: rerun on an idle machine before trusting those rows',
    );
  }

  const failed = rows.filter((row) => row.measurement.failures > 0 || row.measurement.warmupFailures > 0);
  if (failed.length === 0) return 0;
  for (const { id, measurement: m } of failed) {
    console.error(
      `row (${id}) had ${m.failures} errors/non-2xx responses (${m.warmupFailures} in its warm-up): ` +
        'its numbers do not measure the intended path',
    );
  }
  return 1;
}

await runBench('broker-tokens', main);
