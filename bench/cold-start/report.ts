import type { TargetCheck } from '../broker-tokens/report.js';
import { quantile } from '../shared/quantile.js';
import { table } from '../shared/table.js';
import type { Span } from './pageScripts.js';

/** Issue 7's target: opening the page costs at most this many raw initial syncs. */
export const TARGET_RATIO = 1.5;

const ms = (value: number) => (Number.isNaN(value) ? '—' : value.toFixed(0));

export function formatRuns(raw: number[], page: number[], firstVisit: number[]): string {
  const row = (name: string, values: number[]) => [
    name,
    String(values.length),
    ms(quantile(values, 0)),
    ms(quantile(values, 0.5)),
    ms(quantile(values, 0.95)),
    ms(quantile(values, 1)),
  ];
  const ratio = (values: number[], q: number) => `${(quantile(values, q) / quantile(raw, q)).toFixed(2)}×`;
  return table(
    ['row', 'runs', 'min ms', 'p50 ms', 'p95 ms', 'max ms'],
    [
      row('raw initial /sync (fetch → parsed JSON)', raw),
      row('page open → first message rendered', page),
      ['page ÷ raw', '', '', ratio(page, 0.5), ratio(page, 0.95), ''],
      row('… without the snapshot (first visit)', firstVisit),
      ['… ÷ raw', '', '', ratio(firstVisit, 0.5), ratio(firstVisit, 0.95), ''],
    ],
  );
}

export function checkTargets(raw: number[], page: number[]): TargetCheck[] {
  const ratio = quantile(page, 0.5) / quantile(raw, 0.5);
  return [
    {
      name: `page p50 ≤ ${TARGET_RATIO}× raw /sync p50`,
      value: `${ratio.toFixed(2)}×`,
      pass: ratio <= TARGET_RATIO,
    },
  ];
}

/** The median start and end of each request of the page loads, in load order. */
export function formatWaterfall(loads: Span[][], rendered: number[]): string {
  const names = [...new Set(loads.flatMap((spans) => spans.map((span) => span.name)))];
  const rows = names.map((name) => {
    const spans = loads.flatMap((load) => load.filter((span) => span.name === name));
    const start = quantile(
      spans.map((span) => span.start),
      0.5,
    );
    const end = quantile(
      spans.map((span) => span.end),
      0.5,
    );
    const took = quantile(
      spans.map((span) => span.end - span.start),
      0.5,
    );
    return { name, start, end, took, seen: spans.length };
  });
  rows.sort((a, b) => a.start - b.start || a.end - b.end);
  const renderedP50 = quantile(rendered, 0.5);
  return table(
    ['step (median over runs)', 'start ms', 'end ms', 'took ms', 'runs'],
    [
      ...rows.map((row) => [row.name, ms(row.start), ms(row.end), ms(row.took), String(row.seen)]),
      ['first message rendered', '', ms(renderedP50), '', String(rendered.length)],
    ],
  );
}
