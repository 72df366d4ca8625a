import type { TargetCheck } from '../broker-tokens/report.js';
import { quantile } from '../shared/quantile.js';
import { table } from '../shared/table.js';
import type { Breakdown } from './breakdown.js';

export interface Row {
  name: string;
  latencies: number[];
  /** Cores used by other processes (outside the bench's tree) during the row. */
  otherCores: number;
}

/** Issue 7's targets: the SDK's p50 within this many ms of the raw pair's. */
export const TARGET_DIRECT_MS = 15;
export const TARGET_SSE_MS = 30;

const ms = (value: number) => value.toFixed(1);
const delta = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;

export function formatRows(rows: Row[], baseline: Row): string {
  const base = { p50: quantile(baseline.latencies, 0.5), p95: quantile(baseline.latencies, 0.95) };
  return table(
    ['row', 'messages', 'min ms', 'p50 ms', 'p95 ms', 'max ms', 'Δp50 ms', 'Δp95 ms', 'other CPU'],
    rows.map((row) => {
      const p50 = quantile(row.latencies, 0.5);
      const p95 = quantile(row.latencies, 0.95);
      return [
        row.name,
        String(row.latencies.length),
        ms(quantile(row.latencies, 0)),
        ms(p50),
        ms(p95),
        ms(quantile(row.latencies, 1)),
        row === baseline ? '—' : delta(p50 - base.p50),
        row === baseline ? '—' : delta(p95 - base.p95),
        `${row.otherCores.toFixed(2)} cores`,
      ];
    }),
  );
}

export function checkTargets(baseline: Row, direct: Row, sse: Row): TargetCheck[] {
  const base = quantile(baseline.latencies, 0.5);
  const check = (name: string, row: Row, limit: number): TargetCheck => {
    const over = quantile(row.latencies, 0.5) - base;
    return { name: `${name} p50 ≤ raw + ${limit} ms`, value: `${delta(over)} ms`, pass: over <= limit };
  };
  return [check('direct', direct, TARGET_DIRECT_MS), check('SSE', sse, TARGET_SSE_MS)];
}

export function formatSteps(steps: Breakdown): string {
  return table(
    ['step', 'messages', 'p50 ms', 'p95 ms'],
    Object.entries(steps).map(([name, values]) => [
      name,
      String(values.length),
      ms(quantile(values, 0.5)),
      ms(quantile(values, 0.95)),
    ]),
  );
}
