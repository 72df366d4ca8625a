import { afterEach } from 'vitest';

// Only the happy-dom files: the SSR test runs in plain Node and must find no DOM at all.
if (typeof window !== 'undefined') {
  const { cleanup } = await import('@testing-library/react');
  afterEach(cleanup);

  // happy-dom does no layout: every box is 0 px, so the virtualiser would show no rows. Give the
  // timeline's viewport a height and rows a size so a short timeline renders whole.
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('om-timeline__scroller') ? 2000 : 40;
    },
  });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('om-timeline__scroller') ? 2000 : 0;
    },
  });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('om-timeline__scroller') ? 360 : 0;
    },
  });
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('om-timeline__scroller') ? 360 : 300;
    },
  });
}
