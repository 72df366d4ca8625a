/**
 * Functions run inside the page: self-contained, nothing imported. Times are ms since the page's
 * navigation started (`performance.now()`, whose origin is the navigation's start).
 */

interface ColdStartWindow {
  /** Exposed by the bench (`page.exposeFunction`): the opened room's first message is in the DOM. */
  benchRendered?: (ms: number) => Promise<void>;
}

/**
 * An init script (runs in every new document before the app's scripts): reports when the first
 * message row appears inside the timeline (`role="log"`), i.e. when React committed it.
 */
export function watchFirstMessage(): void {
  const observer = new MutationObserver(() => {
    if (!document.querySelector('[role="log"] article')) return;
    const ms = performance.now();
    observer.disconnect();
    performance.mark('bench:first-message', { startTime: ms });
    void (window as ColdStartWindow).benchRendered?.(ms);
  });
  observer.observe(document, { childList: true, subtree: true });
}

/** One request of the page load: where it starts and ends, in ms since navigation start. */
export interface Span {
  name: string;
  start: number;
  end: number;
}

/**
 * The page load's waterfall from navigation and resource timing, each request named by what it
 * is for (the first of each kind; `sync` is the initial one, without `since`).
 */
export function loadWaterfall(): Span[] {
  const spans: Span[] = [];
  const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  if (navigation) {
    spans.push({ name: 'HTML', start: navigation.startTime, end: navigation.responseEnd });
    spans.push({
      name: 'DOMContentLoaded',
      start: navigation.startTime,
      end: navigation.domContentLoadedEventEnd,
    });
  }
  const kinds: Array<[string, RegExp]> = [
    ['app script (index-*.js)', /\/assets\/index-[^/]*\.js$/],
    ['config.json', /\/config\.json$/],
    ['broker: dev host token', /\/v1\/dev\/host-token$/],
    ['broker: session', /\/v1\/session$/],
    ['SDK chunk (http-api-*.js)', /\/assets\/http-api-[^/]*\.js$/],
    ['homeserver probe (/versions)', /\/_matrix\/client\/versions$/],
    ['initial /sync', /\/_matrix\/client\/v3\/sync\?(?!.*since=)/],
    ['SSE ticket', /\/v1\/sse\/ticket$/],
    ['broker: room lookup', /\/v1\/rooms\/lookup\?/],
    ['/messages (history)', /\/rooms\/[^/]+\/messages\?/],
    ['second /sync', /\/_matrix\/client\/v3\/sync\?.*since=/],
  ];
  const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  for (const [name, pattern] of kinds) {
    const entry = resources.find((resource) => pattern.test(resource.name));
    if (entry) spans.push({ name, start: entry.startTime, end: entry.responseEnd });
  }
  return spans;
}

/** Deletes an IndexedDB database of the page's origin (its open connections close on request). */
export const deleteDatabase = (name: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
