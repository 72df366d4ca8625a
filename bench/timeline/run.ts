import { availableParallelism } from 'node:os';
import { startE2eBed } from '@openmeet/e2e/support';
import type { Cleanup } from '../broker-tokens/cleanup.js';
import { formatTargets } from '../broker-tokens/report.js';
import { runBench } from '../shared/runBench.js';
import { readTimelineConfig } from './config.js';
import { messageBody } from './messageBody.js';
import { startPageMetrics } from './pageMetrics.js';
import { checkTargets, formatDom, formatFrames, formatShiftLog, type ListRun } from './report.js';
import { type SessionOptions, scrollSession } from './scrollSession.js';
import { seedMessages } from './seed.js';

const USERS = ['alice', 'bob', 'carol', 'dave'];
/** Alice reads; the others wrote the history. */
const READER = 'alice';
const SENDERS = ['bob', 'carol', 'dave'];
/** What the SDK asks for per back-pagination (`RoomHistory.paginateBack`'s default). */
const PAGE_SIZE = 30;

const progress = (line: string) => console.error(`· ${line}`);

async function main(cleanup: Cleanup): Promise<number> {
  const config = readTimelineConfig();
  progress('starting Synapse, the broker, the example app and Chromium');
  const bed = await startE2eBed({ users: USERS });
  cleanup.add('test bed', () => bed.stop());
  const { groupRoomId } = await bed.seed(USERS);

  progress(`seeding ${config.messages} messages (${config.seedConcurrency} in flight)`);
  const seeded = await seedMessages(bed.testbed, groupRoomId, {
    senders: SENDERS,
    count: config.messages,
    concurrency: config.seedConcurrency,
    progress,
  });
  if (seeded.failures.length > 0)
    throw new Error(`${seeded.failures.length} sends failed, first: ${seeded.failures[0]}`);
  progress(`seeded in ${seeded.seconds.toFixed(0)} s (${(config.messages / seeded.seconds).toFixed(0)}/s)`);

  // The app opens on the group page, whose room this is.
  const chat = await bed.signIn(READER);
  await chat.sees(messageBody(config.messages));
  // tsx compiles with esbuild's keepNames, which wraps the page function's inner functions in
  // `__name(…)`, a helper that exists in Node only.
  await chat.page.evaluate('self.__name = (target) => target');

  const stopAtSeq = config.messages - config.scrollMessages;
  const session = async (name: string, options: SessionOptions): Promise<ListRun> => {
    progress(`${name}: scrolling back ${config.scrollMessages} messages, ${config.stepPx} px per frame`);
    const metrics = await startPageMetrics(chat.page);
    const stats = await chat.page.evaluate(scrollSession, options);
    return { name, stats, metrics: await metrics() };
  };
  const timeline = await session('Timeline (virtualised)', {
    mode: 'virtual',
    stepPx: config.stepPx,
    stopAtSeq,
    timeoutMs: config.timeoutSec * 1000,
  });
  // The baseline goes second, in the same page: it copies a row the Timeline rendered, and waits
  // for each page of messages as long as the Timeline's median fetch took.
  const firstSeq = Math.max(1, stopAtSeq - 2 * PAGE_SIZE);
  const plain = await session('plain list (baseline)', {
    mode: 'plain',
    stepPx: config.stepPx,
    stopAtSeq,
    timeoutMs: config.timeoutSec * 1000,
    plain: {
      bodies: Array.from({ length: config.messages - firstSeq + 1 }, (_, i) => messageBody(firstSeq + i)),
      firstSeq,
      newestSeq: config.messages,
      pageSize: PAGE_SIZE,
      fetchMs: timeline.stats.medianFetchMs,
    },
  });

  const runs = [plain, timeline];
  console.log(
    `\ntimeline — ${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} CPUs, Node ${process.version}, ` +
      `Chromium ${bed.browser.version()}, Synapse ${bed.testbed.synapseVersion}; ${config.messages} messages ` +
      `(seeded at ${(config.messages / seeded.seconds).toFixed(0)}/s), ${config.stepPx} px per frame, ` +
      'viewport 1100×800\n',
  );
  console.log(formatDom(runs, config.messages));
  console.log(`\n${formatFrames(runs)}`);
  console.log(`\n${formatTargets(checkTargets(timeline.stats, config.messages, config.scrollMessages))}`);

  if (config.trace) {
    for (const { name, stats } of runs)
      console.log(
        `\nframes that shifted, ${name}:\n${formatShiftLog(stats.shiftLog)}\nat the end: ${JSON.stringify(stats.end)}`,
      );
  }

  const incomplete = runs.filter(({ stats }) => stats.stalled || stats.timedOut);
  for (const { name, stats } of incomplete)
    console.error(
      `${name} ${stats.stalled ? 'stopped moving back for 30 s' : 'timed out'} at #${stats.oldestSeq}`,
    );
  return incomplete.length === 0 ? 0 : 1;
}

await runBench('timeline', main);
