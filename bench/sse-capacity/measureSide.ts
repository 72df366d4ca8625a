import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { watchOtherCpu } from '../broker-tokens/cpu.js';
import type { CutoverSynapse } from '../cutover/synapse.js';
import type { SseCapacityConfig } from './config.js';
import { type Child, cpuSecondsOf } from './ipc.js';
import type { LatencySummary } from './latency.js';
import type { MemorySnapshot } from './memory.js';
import { sendMessages } from './sender.js';

export interface SideMeasurement {
  users: number;
  before: MemorySnapshot;
  /** 5 s after the last user connected. */
  after: MemorySnapshot;
  /** `steadySeconds` after the last user connected: what idle users cost for as long as they stay. */
  steady: MemorySnapshot;
  /** Cores the process under test used while everyone was connected and nothing was sent. */
  idleCores: number;
  /** Cores Synapse used meanwhile: serving the idle side's long-polls. */
  synapseIdleCores: number;
  latency: LatencySummary;
  /** Messages sent × users: what `latency.deliveries` is when nothing is lost. */
  expectedDeliveries: number;
  sendFailures: string[];
  /** Synapse's answer to each message PUT, in ms: the part of the latency before any sync. */
  putP50: number | null;
  putP99: number | null;
  /** Cores other processes used, the worse of the idle and fan-out windows. */
  otherCores: number;
}

export interface Side {
  /** The process whose memory and CPU are measured. */
  target: Child;
  /** The process holding the users' streams or clients (the target itself for the baseline). */
  consumer: Child;
  /** Connects users [from, to) and returns what failed. */
  connect(from: number, to: number): Promise<string[]>;
}

/** Quiet time after connecting, so initial syncs and their garbage are done before the reading. */
const SETTLE_MS = 5000;
/** How long deliveries may trail the last send before the fan-out run is cut off. */
const DRAIN_TIMEOUT_MS = 60_000;
/**
 * No new delivery for this long after the last send: the rest is not coming. A sync answer that
 * missed more than its 30-event timeline limit (`limited`) skips the older messages for good.
 */
const DRAIN_QUIET_MS = 5000;

const progress = (line: string) => console.error(`· ${line}`);

/**
 * One side of the comparison: user 0 connects first as a warm-up (code loaded, JIT, pools), then
 * memory is read, users 1…N connect, memory is read again; then idle CPU over a window, then the
 * fan-out run: `rate` messages a second into the shared room, timed at every user.
 */
export async function measureSide(
  name: string,
  side: Side,
  env: { synapse: CutoverSynapse; roomId: string; config: SseCapacityConfig },
): Promise<SideMeasurement> {
  const { synapse, roomId, config } = env;
  const synapsePid = synapse.testbed.synapsePid;
  const children = [...new Set([side.target.pid, side.consumer.pid])];
  const childSeconds = () => children.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);

  const warmup = await side.connect(0, 1);
  if (warmup.length > 0) throw new Error(`${name}: the warm-up user failed: ${warmup[0]}`);
  const before = await side.target.call<MemorySnapshot>('memory');
  const snapshots = process.env.BENCH_HEAP_SNAPSHOT;
  // Two snapshots of the broker, with the warm-up user only and at the steady reading: their
  // difference is what the N idle users hold.
  const snapshot = async (label: string) => {
    if (!snapshots || side.target === side.consumer) return;
    progress(
      `${name}: heap snapshot ${await side.target.call<string>('heapSnapshot', { dir: snapshots, label })}`,
    );
  };
  await snapshot('before');
  progress(`${name}: connecting ${config.users} users`);
  const started = performance.now();
  const failures = await side.connect(1, config.users + 1);
  if (failures.length > 0) {
    throw new Error(
      `${name}: ${failures.length} users failed to connect, e.g. ${failures.slice(0, 3).join(' | ')}`,
    );
  }
  const connected = performance.now();
  progress(`${name}: ${config.users} users connected in ${((connected - started) / 1000).toFixed(1)} s`);
  await sleep(SETTLE_MS);
  const after = await side.target.call<MemorySnapshot>('memory');

  progress(`${name}: idle CPU over ${config.idleSeconds} s`);
  const idleOther = watchOtherCpu(synapsePid);
  const t0 = {
    wall: performance.now(),
    target: side.target.cpuSeconds(),
    synapse: cpuSecondsOf(synapsePid),
    children: childSeconds(),
  };
  await sleep(config.idleSeconds * 1000);
  const wall = (performance.now() - t0.wall) / 1000;
  const idleCores = (side.target.cpuSeconds() - t0.target) / wall;
  const synapseIdleCores = (cpuSecondsOf(synapsePid) - t0.synapse) / wall;
  const idleOtherCores = Math.max(0, idleOther.stop() - (childSeconds() - t0.children) / wall);
  const steadyIn = config.steadySeconds * 1000 - (performance.now() - connected);
  if (steadyIn > 0) {
    progress(`${name}: steady memory in ${(steadyIn / 1000).toFixed(0)} s`);
    await sleep(steadyIn);
  }
  const steady = await side.target.call<MemorySnapshot>('memory');
  await snapshot('steady');

  progress(`${name}: fan-out, ${config.rate} messages/s for ${config.seconds} s`);
  const run = randomUUID();
  await side.consumer.call('latencyStart', run);
  const sendOther = watchOtherCpu(synapsePid);
  const s0 = { wall: performance.now(), children: childSeconds() };
  const sent = await sendMessages(synapse, roomId, { rate: config.rate, seconds: config.seconds, run });
  const consumers = config.users + 1;
  const expectedDeliveries = sent.sent * consumers;
  const drainUntil = performance.now() + DRAIN_TIMEOUT_MS;
  let seen = -1;
  let quietSince = performance.now();
  while (performance.now() < drainUntil && performance.now() - quietSince < DRAIN_QUIET_MS) {
    const count = await side.consumer.call<number>('latencyCount');
    if (count >= expectedDeliveries) break;
    if (count !== seen) {
      seen = count;
      quietSince = performance.now();
    }
    await sleep(250);
  }
  const sendWall = (performance.now() - s0.wall) / 1000;
  const sendOtherCores = Math.max(0, sendOther.stop() - (childSeconds() - s0.children) / sendWall);
  const latency = await side.consumer.call<LatencySummary>('latencyStop');

  return {
    users: config.users,
    before,
    after,
    steady,
    idleCores,
    synapseIdleCores,
    latency,
    expectedDeliveries,
    sendFailures: sent.failures,
    putP50: sent.putP50,
    putP99: sent.putP99,
    otherCores: Math.max(idleOtherCores, sendOtherCores),
  };
}
