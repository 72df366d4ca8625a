import type { TargetCheck } from '../broker-tokens/report.js';
import { table } from '../shared/table.js';
import type { SideMeasurement } from './measureSide.js';

/** The targets: per-user memory of the SSE broker, alone and against the baseline. */
export const TARGET_KB_PER_USER = 50;
export const TARGET_RATIO = 10;

const KB = 1024;
const MB = 1024 * 1024;

type Reading = 'after' | 'steady';
export const rssPerUserKb = (m: SideMeasurement, at: Reading = 'steady') =>
  (m[at].rss - m.before.rss) / m.users / KB;
const heapPerUserKb = (m: SideMeasurement, at: Reading) =>
  (m[at].heapUsed - m.before.heapUsed) / m.users / KB;
/** The heap without the JIT's code: at a few hundred users, code compiled meanwhile is KBs per user. */
const dataPerUserKb = (m: SideMeasurement, at: Reading) =>
  (m[at].heapUsed - m[at].code - (m.before.heapUsed - m.before.code)) / m.users / KB;
const ms = (value: number | null) => (value === null ? '—' : value.toFixed(value < 10 ? 1 : 0));
const pct = (part: number, whole: number) => `${((part / Math.max(whole, 1)) * 100).toFixed(1)} %`;

export function formatSides(rows: Array<{ name: string; m: SideMeasurement }>): string {
  return table(
    [
      'side',
      'users',
      'RSS/user KB connected',
      'heap/user KB connected',
      'RSS/user KB steady',
      'heap/user KB steady',
      'heap w/o code KB steady',
      'RSS Δ MB steady',
      'idle CPU',
      'Synapse idle',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'delivered',
      'PUT p50/p99 ms',
      'other CPU',
    ],
    rows.map(({ name, m }) => [
      name,
      String(m.users),
      rssPerUserKb(m, 'after').toFixed(1),
      heapPerUserKb(m, 'after').toFixed(1),
      rssPerUserKb(m).toFixed(1),
      heapPerUserKb(m, 'steady').toFixed(1),
      dataPerUserKb(m, 'steady').toFixed(1),
      ((m.steady.rss - m.before.rss) / MB).toFixed(1),
      `${m.idleCores.toFixed(3)} cores`,
      `${m.synapseIdleCores.toFixed(2)} cores`,
      ms(m.latency.p50),
      ms(m.latency.p95),
      ms(m.latency.p99),
      pct(m.latency.deliveries, m.expectedDeliveries),
      `${ms(m.putP50)} / ${ms(m.putP99)}`,
      `${m.otherCores.toFixed(2)} cores`,
    ]),
  );
}

/**
 * Read on the V8 heap: at a few hundred users RSS moves in allocator-sized steps (it can fall below
 * the starting reading, which made an RSS ratio meaningless). The ratio target uses the heap without
 * V8's code spaces, since the JIT's ~1 MB of compiled code is the same whatever the number of users;
 * the ratio with it is printed beside it, and is what it converges to at large N.
 */
export function checkTargets(sse: SideMeasurement, baseline: SideMeasurement): TargetCheck[] {
  const sseHeap = heapPerUserKb(sse, 'steady');
  const sseData = dataPerUserKb(sse, 'steady');
  const ratio = (ours: number, theirs: number) => (ours > 0 ? theirs / ours : Number.POSITIVE_INFINITY);
  const dataRatio = ratio(sseData, dataPerUserKb(baseline, 'steady'));
  const heapRatio = ratio(sseHeap, heapPerUserKb(baseline, 'steady'));
  const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)}×` : '∞');
  return [
    {
      name: `SSE heap per idle user (steady) ≤ ${TARGET_KB_PER_USER} KB`,
      value: `${sseHeap.toFixed(1)} KB`,
      pass: sseHeap <= TARGET_KB_PER_USER,
    },
    {
      name: `baseline ÷ SSE per user, heap without compiled code ≥ ${TARGET_RATIO}×`,
      value: times(dataRatio),
      pass: dataRatio >= TARGET_RATIO,
    },
    {
      name: `baseline ÷ SSE per user, heap with compiled code ≥ ${TARGET_RATIO}×`,
      value: times(heapRatio),
      pass: heapRatio >= TARGET_RATIO,
    },
  ];
}
