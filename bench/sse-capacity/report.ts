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

export function checkTargets(sse: SideMeasurement, baseline: SideMeasurement): TargetCheck[] {
  const sseKb = rssPerUserKb(sse);
  const ratio = rssPerUserKb(baseline) / sseKb;
  return [
    {
      name: `SSE RSS per idle user (steady) ≤ ${TARGET_KB_PER_USER} KB`,
      value: `${sseKb.toFixed(1)} KB`,
      pass: sseKb <= TARGET_KB_PER_USER,
    },
    {
      name: `baseline ÷ SSE per user ≥ ${TARGET_RATIO}×`,
      value: sseKb > 0 ? `${ratio.toFixed(1)}×` : '∞',
      pass: sseKb <= 0 || ratio >= TARGET_RATIO,
    },
  ];
}
