import { availableParallelism } from 'node:os';
import { matrixUserIdFor } from '@openmeet/broker';
import { startE2eBed } from '@openmeet/e2e/support';
import type { Cleanup } from '../broker-tokens/cleanup.js';
import { formatTargets } from '../broker-tokens/report.js';
import { adminLogin } from '../shared/adminLogin.js';
import { runBench } from '../shared/runBench.js';
import { watchTreeOtherCpu } from '../shared/treeCpu.js';
import type { Breakdown } from './breakdown.js';
import { type BrowserPairResult, measureBrowserPair } from './browserPair.js';
import { readConfig } from './config.js';
import { pageToRaw, rawToPage } from './halfPairs.js';
import { measureRawPair } from './rawPair.js';
import { measureRawPairInBrowser } from './rawPairInBrowser.js';
import { checkTargets, formatRows, formatSteps, type Row } from './report.js';

const OTHER_CPU_WARNING = 0.1;
const progress = (line: string) => console.error(`· ${line}`);

async function main(cleanup: Cleanup): Promise<number> {
  const config = readConfig();
  progress('starting Synapse, the broker, the example app and Chromium');
  // The broker keeps a user's upstream sync loop 2 h after their last SSE stream by default, so a
  // reconnect resumes at once; here the loops must end with the SSE row: left running, they are two
  // more long-polls for Synapse to answer on every message of the rows after it (raw pairs included).
  const bed = await startE2eBed({ users: ['alice', 'bob'], brokerEnv: { BROKER_SSE_IDLE_SECONDS: '1' } });
  cleanup.add('test bed', () => bed.stop());
  const { groupRoomId } = await bed.seed(['alice', 'bob']);
  const userId = (user: string) =>
    matrixUserIdFor(user, { prefix: 'om_', serverName: bed.testbed.serverName });
  const tokens = {
    sender: await adminLogin(bed.testbed, userId('alice')),
    receiver: await adminLogin(bed.testbed, userId('bob')),
  };

  const measure = async <T>(
    name: string,
    work: () => Promise<T>,
  ): Promise<{ value: T; otherCores: number }> => {
    progress(`${name}: ${config.warmup} + ${config.messages} messages, ${config.gapMs} ms apart`);
    const watch = watchTreeOtherCpu();
    const value = await work();
    return { value, otherCores: watch.stop().otherCores };
  };
  // Through the same TCP proxy the browsers reach Synapse by, so both sides take one path.
  const homeserverUrl = `http://127.0.0.1:${bed.proxy.port}`;
  const raw = () => measureRawPair(homeserverUrl, groupRoomId, tokens, config);
  const rawFirst = await measure('raw pair', raw);
  const direct = await measure('browsers, direct', () => measureBrowserPair(bed, 'direct', config));
  const sse = await measure('browsers, SSE', () => measureBrowserPair(bed, 'sse', config));
  await waitForNoSyncLoops(bed.brokerUrl);
  const rawInBrowser = await measure('raw pair in a browser', () =>
    measureRawPairInBrowser(bed, homeserverUrl, groupRoomId, tokens, config),
  );
  const rawLast = await measure('raw pair again', raw);
  const rawBothSync = await measure('raw pair, the sender syncing too', () =>
    measureRawPair(homeserverUrl, groupRoomId, tokens, config, { senderSyncs: true }),
  );

  // Direct's gap split in two: the sending page with a raw receiver, a raw sender with the receiving page.
  const target = (token: string) => ({ homeserverUrl, roomId: groupRoomId, token });
  const fromPage = await measure('SDK page → raw receiver', () =>
    pageToRaw(bed, target(tokens.receiver), config),
  );
  const toPage = await measure('raw sender → SDK page', () => rawToPage(bed, target(tokens.sender), config));

  // The baseline is both raw runs together: the browser rows ran between them.
  const baseline: Row = {
    name: 'raw pair (both runs)',
    latencies: [...rawFirst.value.latencies, ...rawLast.value.latencies],
    otherCores: Math.max(rawFirst.otherCores, rawLast.otherCores),
  };
  const browserRow = (name: string, m: { value: BrowserPairResult; otherCores: number }): Row => ({
    name,
    latencies: m.value.latencies,
    otherCores: m.otherCores,
  });
  const rows: Row[] = [
    { name: 'raw pair, first run', latencies: rawFirst.value.latencies, otherCores: rawFirst.otherCores },
    { name: 'raw pair, last run', latencies: rawLast.value.latencies, otherCores: rawLast.otherCores },
    baseline,
    browserRow('SDK + React, direct', direct),
    browserRow('SDK + React, SSE', sse),
    // Not the targets' baseline (the issue's raw pair has no browser): what CORS costs any browser client.
    { name: 'raw pair in a browser', latencies: rawInBrowser.value, otherCores: rawInBrowser.otherCores },
    // Nor this one: every chat client syncs, so for the pages Synapse answers the sender's sync too.
    {
      name: 'raw pair, sender syncing too',
      latencies: rawBothSync.value.latencies,
      otherCores: rawBothSync.otherCores,
    },
    { name: 'SDK page → raw receiver', latencies: fromPage.value, otherCores: fromPage.otherCores },
    { name: 'raw sender → SDK page', latencies: toPage.value, otherCores: toPage.otherCores },
  ];

  console.log(
    `\nlatency — ${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} CPUs, Node ${process.version}, ` +
      `Synapse ${bed.testbed.synapseVersion} (SQLite), ${config.messages} messages per row after ` +
      `${config.warmup} warm-up, ${config.gapMs} ms apart; send (Enter / PUT) → rendered (DOM) / in a parsed /sync` +
      `${config.quiet ? '; BENCH_QUIET: typing notices and read markers dropped' : ''}\n`,
  );
  console.log(formatRows(rows, baseline));
  console.log(`\n${formatTargets(checkTargets(baseline, rows[3] as Row, rows[4] as Row))}`);
  const rawSteps: Breakdown = {};
  for (const step of Object.keys(rawFirst.value.steps)) {
    rawSteps[step] = [...(rawFirst.value.steps[step] ?? []), ...(rawLast.value.steps[step] ?? [])];
  }
  for (const [name, steps] of [
    ['raw pair', rawSteps],
    ['direct', direct.value.steps],
    ['SSE', sse.value.steps],
  ] as const) {
    console.log(`\nwhere the time goes, ${name} (medians over the messages, ms):\n\n${formatSteps(steps)}`);
  }
  for (const [name, m] of [
    ['direct', direct],
    ['SSE', sse],
  ] as const) {
    console.log(
      `\n${name}: receiver's clock ${m.value.skewMs >= 0 ? '+' : ''}${m.value.skewMs.toFixed(2)} ms from the sender's ` +
        `(±${m.value.skewErrorMs.toFixed(2)} ms), taken out of the latencies`,
    );
  }
  if (rows.some((row) => row.otherCores > OTHER_CPU_WARNING)) {
    console.log(
      '\nwarning: other processes kept the CPU busy during a measured row: rerun on an idle machine before trusting the numbers',
    );
  }
  return 0;
}

/** Until the broker's per-user sync loops have stopped (its `/metrics` gauge), 20 s at most. */
async function waitForNoSyncLoops(brokerUrl: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const metrics = await (await fetch(`${brokerUrl}/metrics`)).text();
    const loops = /^openmeet_broker_sse_sync_loops (\d+)$/m.exec(metrics)?.[1];
    if (loops === undefined) throw new Error("the broker's /metrics has no openmeet_broker_sse_sync_loops");
    if (loops === '0') return;
    if (Date.now() > deadline)
      throw new Error(`the broker still runs ${loops} sync loops 20 s after the SSE row`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

await runBench('latency', main);
