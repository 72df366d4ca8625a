import type { TargetCheck } from '../broker-tokens/report.js';
import { table } from '../shared/table.js';
import type { PageMetrics } from './pageMetrics.js';
import type { SessionStats, ShiftRecord } from './scrollSession.js';

export interface ListRun {
  name: string;
  stats: SessionStats;
  metrics: PageMetrics;
}

const px = (value: number) => value.toFixed(1);
const ms = (value: number) => value.toFixed(1);

export function formatDom(runs: ListRun[], newestSeq: number): string {
  return table(
    [
      'list',
      'scrolled back',
      'pages',
      'fetch p50 ms',
      'max messages in DOM',
      'max rows',
      'max elements',
      'pagination shift px',
      'other shift px',
      'frames >1 px',
      'anchors lost (at pagination)',
      'stuck at top',
    ],
    runs.map(({ name, stats }) => [
      name,
      String(newestSeq - stats.oldestSeq),
      String(stats.paginations),
      ms(stats.medianFetchMs),
      String(stats.maxArticles),
      String(stats.maxRows),
      String(stats.maxDomNodes),
      px(stats.maxPaginationShift),
      px(stats.maxOtherShift),
      String(stats.shiftedFrames),
      `${stats.lostAnchors} (${stats.lostAtPagination})`,
      String(stats.stuckAtTop),
    ]),
  );
}

export function formatFrames(runs: ListRun[]): string {
  return table(
    [
      'list',
      'seconds',
      'frames',
      'frame p50 ms',
      'p95 ms',
      'max ms',
      'frames >50 ms',
      'long tasks ms',
      'main thread busy',
      'layout ms',
      'JS heap MB',
    ],
    runs.map(({ name, stats, metrics }) => [
      name,
      stats.seconds.toFixed(1),
      String(stats.frames),
      ms(stats.frameP50),
      ms(stats.frameP95),
      ms(stats.frameMax),
      String(stats.longFrames),
      stats.longTaskMs.toFixed(0),
      `${((100 * metrics.taskSeconds) / stats.seconds).toFixed(0)} %`,
      (metrics.layoutSeconds * 1000).toFixed(0),
      (metrics.jsHeapBytes / 1024 / 1024).toFixed(1),
    ]),
  );
}

export function checkTargets(
  timeline: SessionStats,
  newestSeq: number,
  scrollMessages: number,
): TargetCheck[] {
  const scrolled = newestSeq - timeline.oldestSeq;
  return [
    {
      name: `scrolled back ≥ ${scrollMessages} messages`,
      value: String(scrolled),
      pass: scrolled >= scrollMessages,
    },
    {
      name: 'max messages in the DOM ≤ 100',
      value: String(timeline.maxArticles),
      pass: timeline.maxArticles <= 100,
    },
    {
      name: 'anchor shift at back-pagination ≤ 1 px, anchor never lost',
      value: `${px(timeline.maxPaginationShift)} px, ${timeline.lostAtPagination} lost`,
      pass: timeline.maxPaginationShift <= 1 && timeline.lostAtPagination === 0,
    },
  ];
}

export function formatShiftLog(log: ShiftRecord[]): string {
  if (log.length === 0) return '(none)';
  return table(
    [
      'frame',
      'ms',
      'shift px',
      'of it before the frame',
      'anchor row',
      'its top',
      'it grew',
      'scrollTop',
      'near a prepend',
    ],
    log.map((r) => [
      String(r.frame),
      String(r.ms),
      px(r.shiftPx),
      px(r.taskShiftPx),
      String(r.anchorIndex),
      String(r.anchorFromTopPx),
      String(r.anchorGrewPx),
      String(r.scrollTop),
      r.nearPrepend ? 'yes' : '',
    ]),
  );
}
