import type { Page } from 'playwright-core';
import { table } from '../shared/table.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Samples the page's main thread (V8's CPU profiler over CDP, 0.1 ms interval) while `work`
 * runs, and sums self time per function: what the main thread was busy with during a page open.
 */
export async function profileMainThread(
  page: Page,
  work: () => Promise<unknown>,
): Promise<Map<string, number>> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    await work();
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: Profile };
    const names = new Map(profile.nodes.map((node) => [node.id, label(node)]));
    const selfMs = new Map<string, number>();
    profile.samples.forEach((id, index) => {
      const name = names.get(id) ?? '?';
      selfMs.set(name, (selfMs.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
    });
    return selfMs;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  if (!url) return functionName || '(anonymous)';
  const file = url.slice(url.lastIndexOf('/') + 1);
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

/** The `top` functions by self time, plus the idle and total. */
export function formatProfile(selfMs: Map<string, number>, top = 15): string {
  const total = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0);
  const idle = selfMs.get('(idle)') ?? 0;
  const busy = [...selfMs.entries()].filter(([name]) => name !== '(idle)').sort((a, b) => b[1] - a[1]);
  return table(
    ['main thread, self time', 'ms'],
    [
      ['sampled in all', total.toFixed(0)],
      ['(idle: waiting for the network)', idle.toFixed(0)],
      ...busy.slice(0, top).map(([name, ms]) => [name, ms.toFixed(1)]),
    ],
  );
}
