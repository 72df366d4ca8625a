import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { matrixUserIdFor } from '@openmeet/broker';
import { SNAPSHOT_DATABASE } from '@openmeet/chat-sdk';
import { startE2eBed } from '@openmeet/e2e/support';
import type { Cleanup } from '../broker-tokens/cleanup.js';
import { formatTargets } from '../broker-tokens/report.js';
import { adminLogin } from '../shared/adminLogin.js';
import { runBench } from '../shared/runBench.js';
import { watchTreeOtherCpu } from '../shared/treeCpu.js';
import { readConfig } from './config.js';
import { instrument } from './openPage.js';
import { deleteDatabase, type Span } from './pageScripts.js';
import { formatProfile, profileMainThread } from './profileLoad.js';
import { rawInitialSync } from './rawSync.js';
import { checkTargets, formatRuns, formatWaterfall } from './report.js';
import { createRooms, fillRooms, OPENED_SLUG } from './seed.js';

const OTHER_CPU_WARNING = 0.1;
/** Quiet time after each page open and each raw sync, so one does not overlap the next. */
const SETTLE_MS = 1000;
/** After a first visit: long enough for the page to save its snapshot (2 s after its first sync). */
const SNAPSHOT_SETTLE_MS = 3000;

const progress = (line: string) => console.error(`· ${line}`);

async function main(cleanup: Cleanup): Promise<number> {
  const config = readConfig();
  progress('starting Synapse, the broker, the example app and Chromium');
  const bed = await startE2eBed({
    users: ['alice', 'bob'],
    // Synapse keeps each answered initial sync for 2 minutes and hands it out again to the same
    // device with the same filter: the reloads would then measure that cache, not a sync.
    synapseConfig: { caches: { sync_response_cache_duration: 0 } },
  });
  cleanup.add('test bed', () => bed.stop());
  const userId = (user: string) =>
    matrixUserIdFor(user, { prefix: 'om_', serverName: bed.testbed.serverName });

  progress(`seeding ${config.rooms} rooms × ${config.messagesPerRoom} messages`);
  const seedStarted = performance.now();
  const roomIds = await createRooms(bed, config);
  const [aliceToken, bobToken] = [
    await adminLogin(bed.testbed, userId('alice')),
    await adminLogin(bed.testbed, userId('bob')),
  ];
  await fillRooms(bed, roomIds, config, [aliceToken, bobToken]);
  progress(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);

  const check = await rawInitialSync(bed.testbed, aliceToken);
  if (check.rooms !== config.rooms)
    throw new Error(`the raw sync sees ${check.rooms} rooms, not ${config.rooms}`);

  progress(`signing alice in (transport ${config.transport}) on the group page ${OPENED_SLUG}`);
  const chat = await bed.signIn('alice', {
    hash: `#/group/${OPENED_SLUG}`,
    query: config.transport === 'auto' ? {} : { transport: config.transport },
  });
  await chat.timeline.locator('article').first().waitFor();
  const page = await instrument(chat.page);

  const raw: number[] = [];
  const opened: number[] = [];
  const loads: Span[][] = [];
  const firstOpened: number[] = [];
  const firstLoads: Span[][] = [];
  progress(
    `${config.runs} runs (+1 warm-up): a raw initial /sync, a page reload, a reload without the snapshot`,
  );
  const watch = watchTreeOtherCpu();
  for (let run = 0; run <= config.runs; run++) {
    const sync = await rawInitialSync(bed.testbed, aliceToken);
    await sleep(SETTLE_MS);
    const open = await page.reload();
    await sleep(SETTLE_MS);
    // The same page open on a browser that has no snapshot: a first visit, or `cache: false`.
    await chat.page.evaluate(deleteDatabase, SNAPSHOT_DATABASE);
    const first = await page.reload();
    await sleep(SNAPSHOT_SETTLE_MS);
    if (run === 0) continue;
    raw.push(sync.ms);
    opened.push(open.renderedMs);
    loads.push(open.spans);
    firstOpened.push(first.renderedMs);
    firstLoads.push(first.spans);
    progress(
      `run ${run}: raw ${sync.ms.toFixed(0)} ms, page ${open.renderedMs.toFixed(0)} ms, ` +
        `without snapshot ${first.renderedMs.toFixed(0)} ms`,
    );
  }
  const { otherCores, ownCores } = watch.stop();
  // One more open, sampled: what the page's main thread does between navigation and first render.
  let sampled: { renderedMs: number; selfMs: Map<string, number> } | undefined;
  if (config.profile) {
    let renderedMs = 0;
    const selfMs = await profileMainThread(chat.page, async () => {
      renderedMs = (await page.reload()).renderedMs;
    });
    sampled = { renderedMs, selfMs };
  }

  console.log(
    `\ncold-start — ${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} CPUs, Node ${process.version}, ` +
      `Synapse ${bed.testbed.synapseVersion} (SQLite, sync response cache off), ${config.rooms} rooms × ` +
      `${config.messagesPerRoom} messages, page #/group/${OPENED_SLUG}, transport ${config.transport}; ` +
      `initial sync ${(check.bytes / 1024).toFixed(0)} KB\n`,
  );
  console.log(formatRuns(raw, opened, firstOpened));
  console.log(`\n${formatTargets(checkTargets(raw, opened))}`);
  console.log(
    `\nwhere the page's time goes (ms since navigation start), returning user:\n\n${formatWaterfall(loads, opened)}`,
  );
  console.log(`\nwithout a snapshot:\n\n${formatWaterfall(firstLoads, firstOpened)}`);
  console.log(
    `\nCPU during the runs: ${ownCores.toFixed(2)} cores for the bench's processes (Synapse, broker, Chromium), ` +
      `${otherCores.toFixed(2)} cores for everything else`,
  );
  if (sampled) {
    console.log(
      `\none more open under V8's sampling profiler (first message at ${sampled.renderedMs.toFixed(0)} ms; ` +
        `the profiler slows it):\n\n${formatProfile(sampled.selfMs)}`,
    );
  }
  if (otherCores > OTHER_CPU_WARNING) {
    console.log(
      '\nwarning: other processes kept the CPU busy during the runs: rerun on an idle machine before trusting the numbers',
    );
  }
  return 0;
}

await runBench('cold-start', main);
