import { table } from '../shared/table.js';
import type { Measurement } from './measure.js';

export interface Row {
  id: string;
  name: string;
  measurement: Measurement;
}

export interface TargetCheck {
  name: string;
  value: string;
  pass: boolean;
}

const pct = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;
// autocannon records whole milliseconds: 0 means the response came back within the first one.
const ms = (value: number) => (value === 0 ? '<1' : String(value));

/**
 * The targets: the cached path keeps at least half of bare Fastify's throughput with p99 within
 * 10 ms, and a fresh mint costs at most 10 % more than the Synapse login it wraps, in throughput
 * and in median latency.
 */
export function checkTargets(rows: {
  bare: Measurement;
  cached: Measurement;
  synapse: Measurement;
  mint: Measurement;
}): TargetCheck[] {
  const { bare, cached, synapse, mint } = rows;
  const throughputRatio = cached.rps / bare.rps;
  const mintOverhead = 1 - mint.rps / synapse.rps;
  const p50Delta = mint.p50 - synapse.p50;
  const p50Overhead = synapse.p50 > 0 ? p50Delta / synapse.p50 : 0;
  return [
    { name: '(2)/(1) throughput ≥ 50 %', value: pct(throughputRatio), pass: throughputRatio >= 0.5 },
    { name: '(2) p99 ≤ 10 ms', value: `${cached.p99} ms`, pass: cached.p99 <= 10 },
    { name: '(4) vs (3) throughput overhead ≤ 10 %', value: pct(mintOverhead), pass: mintOverhead <= 0.1 },
    {
      name: '(4) vs (3) p50 overhead ≤ 10 %',
      value: `${p50Delta >= 0 ? '+' : ''}${p50Delta} ms (${pct(p50Overhead)})`,
      pass: p50Overhead <= 0.1,
    },
  ];
}

export function formatRows(rows: Row[]): string {
  return table(
    ['#', 'scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'errors/non-2xx', 'other CPU'],
    rows.map(({ id, name, measurement: m }) => [
      id,
      name,
      String(m.connections),
      m.rps.toFixed(0),
      ms(m.p50),
      ms(m.p99),
      String(m.failures),
      `${m.otherCores.toFixed(2)} cores`,
    ]),
    [0, 1],
  );
}

export function formatTargets(checks: TargetCheck[]): string {
  return table(
    ['target', 'measured', 'result'],
    checks.map((check) => [check.name, check.value, check.pass ? 'PASS' : 'FAIL']),
    [0],
  );
}
