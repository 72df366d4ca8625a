import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import type * as Broker from '@openmeet/broker';
import { serve } from './ipc.js';
import { settledMemory } from './memory.js';

/**
 * Child process: the broker under test, configured from its environment like `openmeet-broker
 * serve`, alone in its process so its memory and CPU are its own.
 */
// BENCH_BROKER_MODULE: another build of the broker (an older commit's dist/index.js, say), to measure
// before and after on the same machine.
const { buildApp, loadConfig } = (await import(
  process.env.BENCH_BROKER_MODULE ?? '@openmeet/broker'
)) as typeof Broker;
const app = buildApp(loadConfig(process.env));
const url = await app.listen({ host: '127.0.0.1', port: 0 });

serve({
  url: async () => url,
  memory: settledMemory,
  // BENCH_HEAP_SNAPSHOT=<dir>: heap snapshots before the users connect and at the steady reading,
  // to see what an idle user costs.
  heapSnapshot: async ({ dir, label }: { dir: string; label: string }) =>
    writeHeapSnapshot(join(dir, `broker-${process.pid}-${label}.heapsnapshot`)),
  close: async () => {
    await app.close();
  },
});
process.once('SIGTERM', () => void app.close().finally(() => process.exit(0)));
