/**
 * Runs in the page (through `page.evaluate`, so it closes over nothing): scrolls a message list
 * up by `stepPx` every animation frame until the oldest message seen is at or below `stopAtSeq`,
 * and watches every frame what a reader would see.
 *
 * "Jumps" are measured on an anchor: after each scroll step, the first message row whose top is in
 * view, and its position. Until the next step that row should stay exactly where the step left it; any
 * movement is a shift the reader did not cause. It is read at the next animation frame and just
 * before each paint (after the virtualiser's resize observer has corrected measured sizes), and
 * summed per painted frame. Shifts within ten frames of a prepend (a page of older messages
 * landing) are the "pagination" shifts.
 *
 * `virtual` measures the app's `Timeline` as it is. `plain` hides it and builds, beside it, a
 * plain list of the same messages (clones of a real rendered row, in normal flow, no
 * virtualisation), fed by a fake back-pagination with the same page size and the real run's
 * median fetch time, and keeps the browser's own CSS scroll anchoring.
 */
export function scrollSession(options: SessionOptions): Promise<SessionStats> {
  const PREPEND_WINDOW_FRAMES = 10;
  const TOP_THRESHOLD = 300;
  const SEQ = /#(\d{5})/;
  const STALL_MS = 30_000;
  /** A second at offset 0 with nothing loading: the list is stuck at the top. */
  const STUCK_FRAMES = 60;

  const timeline = document.querySelector<HTMLElement>('[role="log"]');
  const timelineContent = timeline?.firstElementChild;
  if (!timeline || !(timelineContent instanceof HTMLElement)) throw new Error('no timeline on the page');
  let list = timeline;
  let content = timelineContent;
  let prepends = 0;
  const fetchMs: number[] = [];
  /** The plain list's fetch rule, run every frame. */
  let everyFrame = () => {};

  if (options.mode === 'virtual') {
    let busySince: number | undefined;
    new MutationObserver(() => {
      const busy = timeline.getAttribute('aria-busy') === 'true';
      if (busy && busySince === undefined) busySince = performance.now();
      if (!busy && busySince !== undefined) {
        fetchMs.push(performance.now() - busySince);
        busySince = undefined;
        // The page has landed (or failed): the next frames are a pagination's, even if the anchor
        // row is then nowhere to be found.
        prepends++;
      }
    }).observe(timeline, { attributes: true, attributeFilter: ['aria-busy'] });
  } else {
    const plain = options.plain;
    if (!plain) throw new Error('plain mode needs its messages');
    const template = [...timelineContent.children].find(
      (row) => row.querySelector('article') && SEQ.test(row.textContent ?? ''),
    );
    if (!(template instanceof HTMLElement)) throw new Error('no message row to copy');
    // The text node holding the template's body, as a path of child indexes to replay on clones.
    const walker = document.createTreeWalker(template, NodeFilter.SHOW_TEXT);
    let bodyNode: Node | null = walker.nextNode();
    while (bodyNode && !SEQ.test(bodyNode.nodeValue ?? '')) bodyNode = walker.nextNode();
    if (!bodyNode) throw new Error('no body text in the row');
    const path: number[] = [];
    for (let node: Node = bodyNode; node !== template; node = node.parentNode as Node)
      path.unshift([...(node.parentNode as Node).childNodes].indexOf(node as ChildNode));
    const row = (seq: number): HTMLElement => {
      const clone = template.cloneNode(true) as HTMLElement;
      clone.removeAttribute('style');
      clone.removeAttribute('data-index');
      clone.style.position = 'relative';
      clone.dataset.key = `plain-${seq}`;
      let node: Node = clone;
      for (const index of path) node = node.childNodes[index] as Node;
      node.nodeValue = plain.bodies[seq - plain.firstSeq] ?? '';
      return clone;
    };

    list = document.createElement('div');
    list.className = timeline.className;
    // What a list without a virtualiser would rely on (the Timeline turns it off: it anchors itself).
    list.style.overflowAnchor = 'auto';
    list.tabIndex = 0;
    content = document.createElement('div');
    list.append(content);
    timeline.after(list);
    timeline.style.display = 'none';

    let oldestLoaded = plain.newestSeq + 1;
    const prependPage = () => {
      const fragment = document.createDocumentFragment();
      const from = Math.max(plain.firstSeq, oldestLoaded - plain.pageSize);
      for (let seq = from; seq < oldestLoaded; seq++) fragment.append(row(seq));
      content.prepend(fragment);
      oldestLoaded = from;
    };
    prependPage();
    list.scrollTop = list.scrollHeight;
    // The Timeline's rule (near the top, fetch older messages, one fetch at a time), checked every
    // frame rather than on scroll: at offset 0, where a prepend leaves a plain list, scrolling up
    // fires no scroll event, and the reader would have to scroll down and up again.
    let fetching = false;
    everyFrame = () => {
      if (fetching || list.scrollTop >= TOP_THRESHOLD || oldestLoaded <= plain.firstSeq) return;
      fetching = true;
      const started = performance.now();
      setTimeout(() => {
        prependPage();
        prepends++;
        fetchMs.push(performance.now() - started);
        fetching = false;
      }, plain.fetchMs);
    };
  }

  let longTaskMs = 0;
  const longTasks = new PerformanceObserver((entries) => {
    for (const entry of entries.getEntries()) longTaskMs += entry.duration;
  });
  longTasks.observe({ type: 'longtask', buffered: false });

  const stats = {
    maxArticles: 0,
    maxRows: 0,
    maxDomNodes: 0,
    oldestSeq: Number.POSITIVE_INFINITY,
    maxPaginationShift: 0,
    maxOtherShift: 0,
    shiftedFrames: 0,
    lostAnchors: 0,
    lostAtPagination: 0,
    stuckAtTop: 0,
  };

  interface Anchor {
    element: HTMLElement;
    top: number;
    index: number;
    height: number;
  }
  /**
   * The first message row whose top is in view: a binary search, rows being in document and screen
   * order. Not a row cut by the top edge: when such a row is first measured, the virtualiser keeps
   * its visible bottom still and moves its hidden top, as it should.
   */
  const topRow = (): Anchor | undefined => {
    const viewTop = list.getBoundingClientRect().top - 0.5;
    const rows = content.children;
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((rows[mid] as HTMLElement).getBoundingClientRect().top >= viewTop) high = mid;
      else low = mid + 1;
    }
    for (let i = low; i < rows.length; i++) {
      const element = rows[i] as HTMLElement;
      if (element.getElementsByTagName('article').length === 0) continue;
      const { top, height } = element.getBoundingClientRect();
      return { element, top, height, index: Number(element.dataset.index ?? Number.NaN) };
    }
    return undefined;
  };
  // Live collections: their length is cached until the DOM changes, so sampling every frame is cheap.
  const articles = content.getElementsByTagName('article');
  const allElements = document.getElementsByTagName('*');

  let anchor: Anchor | undefined;
  let prependFrames = 0;
  let seenPrepends = 0;
  /** The anchor's movement since the last paint, less the reader's own scrolling. */
  let frameShift = 0;
  /** The part of it that happened between paint and the next animation frame (tasks: renders, fetches). */
  let taskShift = 0;
  /** How much the anchor row itself changed height, and where its top was against the view's. */
  let anchorGrew = 0;
  let anchorFrom = 0;
  /** Where the anchor is now against where it should be; a prepend shows as a higher row index. */
  const checkAnchor = (phase: 'frame' | 'paint') => {
    if (prepends > seenPrepends) {
      seenPrepends = prepends;
      prependFrames = PREPEND_WINDOW_FRAMES;
    }
    if (!anchor) return;
    if (!anchor.element.isConnected) {
      // React replaced the row's element: the same message under a new element still counts.
      const key = anchor.element.dataset.key ?? '';
      const again = content.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
      if (!again) {
        stats.lostAnchors++;
        if (prependFrames > 0) stats.lostAtPagination++;
        anchor = undefined;
        return;
      }
      anchor.element = again;
    }
    const { top, height } = anchor.element.getBoundingClientRect();
    const index = Number(anchor.element.dataset.index ?? Number.NaN);
    anchorGrew += height - anchor.height;
    anchor.height = height;
    anchorFrom = anchor.top - list.getBoundingClientRect().top;
    if (index > anchor.index) prependFrames = PREPEND_WINDOW_FRAMES;
    frameShift += top - anchor.top;
    if (phase === 'frame') taskShift += top - anchor.top;
    anchor.top = top;
    anchor.index = index;
  };
  const closeFrame = () => {
    const shift = Math.abs(frameShift);
    if (shift > 1 && shiftLog.length < 40)
      shiftLog.push({
        frame: frames,
        ms: Math.round(performance.now() - started),
        shiftPx: Math.round(frameShift * 10) / 10,
        taskShiftPx: Math.round(taskShift * 10) / 10,
        anchorIndex: anchor?.index ?? -1,
        anchorFromTopPx: Math.round(anchorFrom),
        anchorGrewPx: Math.round(anchorGrew),
        scrollTop: Math.round(list.scrollTop),
        nearPrepend: prependFrames > 0,
      });
    if (prependFrames > 0) {
      stats.maxPaginationShift = Math.max(stats.maxPaginationShift, shift);
      prependFrames--;
    } else stats.maxOtherShift = Math.max(stats.maxOtherShift, shift);
    if (shift > 1) stats.shiftedFrames++;
    frameShift = 0;
    taskShift = 0;
    anchorGrew = 0;
  };
  // Observed anew every frame, so it is called every frame: after the animation frame callbacks
  // and after the virtualiser's resize observer (created earlier, so called first), where it
  // corrects measured row sizes. What this sees is what gets painted.
  const beforePaint = new ResizeObserver(() => {
    checkAnchor('paint');
    closeFrame();
  });

  const intervals: number[] = [];
  const shiftLog: ShiftRecord[] = [];
  const started = performance.now();
  let lastProgress = started;
  let lastFrame: number | undefined;
  let frames = 0;
  let framesAtTop = 0;
  let stalled = false;
  let timedOut = false;

  return new Promise((resolve, reject) => {
    const onFrame = (now: number) => {
      try {
        if (lastFrame !== undefined) intervals.push(now - lastFrame);
        lastFrame = now;
        frames++;
        // Anything that moved the rows since the last paint: a prepend, a render, a late layout.
        checkAnchor('frame');

        stats.maxArticles = Math.max(stats.maxArticles, articles.length);
        stats.maxRows = Math.max(stats.maxRows, content.children.length);
        stats.maxDomNodes = Math.max(stats.maxDomNodes, allElements.length);
        const seq = Number(SEQ.exec(topRow()?.element.textContent ?? '')?.[1] ?? Number.POSITIVE_INFINITY);
        if (seq < stats.oldestSeq) {
          stats.oldestSeq = seq;
          lastProgress = now;
        }
        stalled = now - lastProgress > STALL_MS;
        timedOut = now - started > options.timeoutMs;
        if (stats.oldestSeq <= options.stopAtSeq || stalled || timedOut) {
          finish();
          return;
        }

        everyFrame();
        const from = list.scrollTop;
        framesAtTop = from === 0 && list.getAttribute('aria-busy') !== 'true' ? framesAtTop + 1 : 0;
        if (framesAtTop >= STUCK_FRAMES) {
          // Up at offset 0 fires no scroll event, so nothing asks for older messages: the reader
          // scrolls down a little and up again.
          stats.stuckAtTop++;
          framesAtTop = 0;
          list.scrollTop = 3 * options.stepPx;
        } else list.scrollTop = Math.max(0, from - options.stepPx);
        // A wheel or touch scroll reaches the page at the start of a frame, its scroll event in
        // the same frame; a bare scrollTop write would leave listeners a frame behind, and a
        // virtualiser that anchors a prepend in that frame would anchor to the old offset.
        if (list.scrollTop !== from) list.dispatchEvent(new Event('scroll'));
        anchor = topRow();
        beforePaint.observe(content);
        requestAnimationFrame(onFrame);
      } catch (error) {
        reject(error);
      }
    };
    const finish = () => {
      beforePaint.disconnect();
      longTasks.disconnect();
      const sorted = [...intervals].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      const fetches = [...fetchMs].sort((a, b) => a - b);
      resolve({
        ...stats,
        seconds: (performance.now() - started) / 1000,
        paginations: prepends,
        medianFetchMs: fetches[Math.floor(fetches.length / 2)] ?? 0,
        frames,
        frameP50: at(0.5),
        frameP95: at(0.95),
        frameMax: sorted[sorted.length - 1] ?? 0,
        longFrames: intervals.filter((ms) => ms > 50).length,
        longTaskMs,
        stalled,
        timedOut,
        shiftLog,
        end: {
          scrollTop: Math.round(list.scrollTop),
          scrollHeight: list.scrollHeight,
          rows: content.children.length,
          topText: (topRow()?.element.textContent ?? '').slice(0, 80),
          busy: list.getAttribute('aria-busy') === 'true',
        },
      });
    };
    requestAnimationFrame(onFrame);
  });
}

export interface SessionOptions {
  mode: 'virtual' | 'plain';
  stepPx: number;
  stopAtSeq: number;
  timeoutMs: number;
  plain?: {
    /** Bodies of messages `firstSeq`… in order. */
    bodies: string[];
    firstSeq: number;
    newestSeq: number;
    pageSize: number;
    fetchMs: number;
  };
}

export interface SessionStats {
  seconds: number;
  /** The oldest message number that reached the top of the view. */
  oldestSeq: number;
  paginations: number;
  medianFetchMs: number;
  maxArticles: number;
  maxRows: number;
  maxDomNodes: number;
  /** Largest shift (px) of the anchor in one frame within ten frames of a prepend. */
  maxPaginationShift: number;
  /** Largest shift (px) in any other frame (rows measured, images, late layout). */
  maxOtherShift: number;
  /** Frames whose anchor moved by more than a pixel. */
  shiftedFrames: number;
  /** Steps whose anchor row left the DOM before the next frame (its shift unknown). */
  lostAnchors: number;
  /**
   * Of those, the ones within ten frames of a page landing: the view moved so far that the row it
   * showed is no longer rendered (a jump too large to measure).
   */
  lostAtPagination: number;
  /** Times the list sat at offset 0 for a second with nothing loading, and was scrolled down to go on. */
  stuckAtTop: number;
  frames: number;
  frameP50: number;
  frameP95: number;
  frameMax: number;
  /** Frames that took over 50 ms. */
  longFrames: number;
  /** Main-thread long tasks (over 50 ms each), summed. */
  longTaskMs: number;
  stalled: boolean;
  timedOut: boolean;
  /** The first 40 frames that shifted by more than a pixel (for BENCH_TRACE). */
  shiftLog: ShiftRecord[];
  /** The list when the session ended (for BENCH_TRACE). */
  end: { scrollTop: number; scrollHeight: number; rows: number; topText: string; busy: boolean };
}

export interface ShiftRecord {
  frame: number;
  /** Since the session started. */
  ms: number;
  shiftPx: number;
  /** Of `shiftPx`, what moved before the animation frame (the rest moved at paint). */
  taskShiftPx: number;
  /** The anchor row's index in the list (-1 if lost). */
  anchorIndex: number;
  /** The anchor row's top against the view's before the shift (negative: partly scrolled out). */
  anchorFromTopPx: number;
  /** How much the anchor row itself grew in that frame. */
  anchorGrewPx: number;
  scrollTop: number;
  nearPrepend: boolean;
}
