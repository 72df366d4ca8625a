import { ClientEvent, createClient, Filter, type MatrixClient, RoomEvent, SyncState } from 'matrix-js-sdk';
import { Agent, setGlobalDispatcher } from 'undici';
import { pool } from '../cutover/phases.js';
import { serve } from './ipc.js';
import { LatencyRecorder } from './latency.js';
import { settledMemory } from './memory.js';
import { SDK_START_OPTIONS, type SdkSession, SYNC_FILTER_DEFINITION } from './sdkSession.js';

/**
 * Child process: the baseline, the original design: one matrix-js-sdk client per user in one Node
 * process, each with its own /sync loop and in-memory store, no end-to-end encryption.
 */

// matrix-js-sdk retries failed syncs itself; a client still not synced after this is a failure.
const PREPARE_TIMEOUT_MS = 600_000;

// One HTTP agent for every client, tuned like the broker's pool to Synapse (30 s keep-alive), with
// a connect timeout long enough for SYN retries: a thousand clients starting against a busy Synapse
// overflow its accept queue (50), and undici's default 10 s connect timeout then fails the fetch,
// matrix-js-sdk retries, and Synapse redoes the work: the baseline would measure that storm, not
// the design.
setGlobalDispatcher(new Agent({ keepAliveTimeout: 30_000, connect: { timeout: 120_000 } }));

// matrix-js-sdk logs every sync at info/debug level (and notes push rules at warn): a thousand clients would flood the terminal.
for (const method of ['log', 'info', 'debug', 'warn'] as const) console[method] = () => {};

const recorder = new LatencyRecorder();
const clients: MatrixClient[] = [];

/** Starts the client and resolves once its first sync is processed (PREPARED). */
function startSynced(homeserverUrl: string, session: SdkSession): Promise<void> {
  const client = createClient({ baseUrl: homeserverUrl, ...session });
  clients.push(client);
  client.on(RoomEvent.Timeline, (event, _room, toStartOfTimeline, _removed, data) => {
    if (toStartOfTimeline || !data.liveEvent || event.getType() !== 'm.room.message') return;
    recorder.record(event.getContent());
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not PREPARED in time')), PREPARE_TIMEOUT_MS);
    const onSync = (state: SyncState) => {
      if (state === SyncState.Prepared) {
        clearTimeout(timer);
        client.off(ClientEvent.Sync, onSync);
        resolve();
      }
    };
    client.on(ClientEvent.Sync, onSync);
    const filter = new Filter(session.userId);
    filter.setDefinition(SYNC_FILTER_DEFINITION);
    client.startClient({ ...SDK_START_OPTIONS, filter }).catch(reject);
  });
}

serve({
  start: async ({
    homeserverUrl,
    sessions,
    concurrency,
  }: {
    homeserverUrl: string;
    sessions: SdkSession[];
    concurrency: number;
  }) => {
    const failures: string[] = [];
    await pool(sessions, concurrency, async (session) => {
      try {
        await startSynced(homeserverUrl, session);
      } catch (err) {
        failures.push(`${session.userId}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    return { failures };
  },
  memory: settledMemory,
  latencyStart: async (run: string) => recorder.start(run),
  latencyCount: async () => recorder.count,
  latencyStop: async () => recorder.stop(),
  close: async () => {
    for (const client of clients.splice(0)) client.stopClient();
  },
});
