import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ChatPage } from './support/ChatPage.js';
import { png } from './support/media.js';
import { type E2eBed, startE2eBed } from './support/startE2eBed.js';

/** react-ui's widgets on the example's pages: the conversation, the room list, notification settings. */
const WIDGETS = ['.om-room-view', '.om-room-list', '.om-notification-settings'] as const;
/** WCAG 2.5.5 (target size, enhanced): 44 × 44 CSS pixels. */
const TARGET = 44;
/** Words and links that do not break by themselves, the usual cause of sideways scrolling on a phone. */
const LONG_LINK = `https://maps.example.org/routes/${'switchback-'.repeat(8)}summit?from=car-park&to=ridge`;
const LONG_CODE = `ssh hiker@trailhead.example.org 'tail -f /var/log/${'weather-station-'.repeat(4)}north.log'`;

let bed: E2eBed;

beforeAll(async () => {
  bed = await startE2eBed({ users: ['alice', 'bob'] });
  await bed.seed(['alice', 'bob']);
  // A history that is hard to fit on a narrow screen: an unbreakable link, a code block and a
  // picture twice as wide as a phone.
  const bob = await bed.signIn('bob');
  await bob.composer.waitFor();
  await bob.send(`The route: ${LONG_LINK}`);
  await bob.send(`Logs:\n\`\`\`\n${LONG_CODE}\n\`\`\``);
  const chooser = bob.page.waitForEvent('filechooser');
  await bob.page.getByRole('button', { name: 'Attach a file' }).click();
  await (await chooser).setFiles({
    name: 'panorama.png',
    mimeType: 'image/png',
    buffer: png(720, 240, (x) => (x < 360 ? [40, 120, 60] : [90, 150, 220])),
  });
  // All on the server before bob's browser goes away with its outbox.
  const sent = bob.page.locator('[data-event-id]');
  await bob.message('The route:').and(sent).waitFor();
  await bob.message('Logs:').and(sent).waitFor();
  await bob.timeline
    .locator('article', { has: bob.page.getByRole('img', { name: 'panorama.png' }) })
    .and(sent)
    .waitFor();
  await bob.page.context().close();
});

afterAll(() => bed?.stop());

/** Signs `user` in on a browser context of its own with `options` (viewport, touch, media features). */
async function openAs(user: string, options: BrowserContextOptions): Promise<ChatPage> {
  const context = await bed.browser.newContext(options);
  onTestFinished(() => context.close());
  const page = await context.newPage();
  await page.goto(`${bed.app.url}/`);
  const chat = new ChatPage(page, user);
  await chat.signIn();
  await chat.composer.waitFor();
  await chat.sees('The route:');
  await chat.timeline.getByRole('img', { name: 'panorama.png' }).waitFor();
  return chat;
}

/** Sends with the Send button (tapped on a touch screen) and waits for the server's echo. */
async function sendWithButton(chat: ChatPage, text: string, touch = false): Promise<Locator> {
  const send = chat.page.getByRole('button', { name: 'Send', exact: true });
  await chat.composer.fill(text);
  await (touch ? send.tap() : send.click());
  const message = chat.message(text);
  await message.and(chat.page.locator('[data-event-id]')).waitFor();
  return message;
}

/** The document's width and what it lays out: wider content means sideways scrolling. */
function documentWidth(page: Page): Promise<{ clientWidth: number; scrollWidth: number }> {
  return page.evaluate(() => ({
    clientWidth: document.documentElement.clientWidth,
    scrollWidth: document.documentElement.scrollWidth,
  }));
}

/** Which of `locators` (by their label) are not entirely inside the viewport. */
async function outsideViewport(page: Page, locators: Record<string, Locator>): Promise<string[]> {
  const viewport = page.viewportSize();
  if (!viewport) throw new Error('The context has no viewport');
  const outside: string[] = [];
  for (const [label, locator] of Object.entries(locators)) {
    const box = await locator.boundingBox();
    const inside =
      box !== null &&
      box.x >= 0 &&
      box.y >= 0 &&
      box.x + box.width <= viewport.width + 0.5 &&
      box.y + box.height <= viewport.height + 0.5;
    if (!inside) outside.push(`${label} at ${JSON.stringify(box)}`);
  }
  return outside;
}

/**
 * The widgets' controls smaller than 44 × 44 CSS pixels, by accessible name. A control inside a
 * label counts with its label (tapping the label works the control), and links inside message text
 * are exempt: WCAG's target-size rules leave inline links to the line height of the text.
 */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(
    ({ widgets, min }) => {
      const controls = new Set<HTMLElement>();
      for (const widget of document.querySelectorAll<HTMLElement>(widgets.join(', '))) {
        for (const control of widget.querySelectorAll<HTMLElement>(
          'a[href], button, input, select, textarea, summary, [role="option"], [role="menuitem"]',
        ))
          controls.add(control);
      }
      const small: string[] = [];
      for (const control of controls) {
        if (control.matches('.om-message__body a')) continue;
        const target = control.closest('label') ?? control;
        if (target.getClientRects().length === 0 || getComputedStyle(target).visibility === 'hidden')
          continue;
        const { width, height } = target.getBoundingClientRect();
        if (width + 0.01 >= min && height + 0.01 >= min) continue;
        const name =
          control.getAttribute('aria-label') ??
          (control as HTMLInputElement).labels?.[0]?.textContent ??
          control.textContent;
        small.push(
          `${control.tagName.toLowerCase()} "${name?.trim()}" ${width.toFixed(1)}×${height.toFixed(1)}`,
        );
      }
      return small;
    },
    { widgets: [...WIDGETS], min: TARGET },
  );
}

/**
 * Elements of the widgets that hide part of their content: `overflow` hidden or clipped in a
 * direction in which the content is larger than the box. Scrollable boxes (a code block) lose nothing.
 */
function clippedContent(page: Page): Promise<string[]> {
  return page.evaluate(
    (widgets) => {
      const clipped: string[] = [];
      for (const widget of document.querySelectorAll<HTMLElement>(widgets.join(', '))) {
        for (const element of [widget, ...widget.querySelectorAll<HTMLElement>('*')]) {
          if (element.closest('.om-visually-hidden')) continue;
          const style = getComputedStyle(element);
          const hides = (overflow: string) => overflow === 'hidden' || overflow === 'clip';
          const wide = hides(style.overflowX) && element.scrollWidth > element.clientWidth + 1;
          const tall = hides(style.overflowY) && element.scrollHeight > element.clientHeight + 1;
          if (!wide && !tall) continue;
          // What sticks out, for the report.
          const box = element.getBoundingClientRect();
          const out = Array.from(element.querySelectorAll<HTMLElement>('*'))
            .filter((child) => {
              for (let up = child.parentElement; up && up !== element; up = up.parentElement) {
                if (getComputedStyle(up).overflowX !== 'visible') return false;
              }
              const rect = child.getBoundingClientRect();
              return (wide && rect.right > box.right + 1) || (tall && rect.bottom > box.bottom + 1);
            })
            .slice(0, 3)
            .map((child) => `${child.tagName.toLowerCase()}.${child.className}`);
          clipped.push(
            `${element.tagName.toLowerCase()}.${element.className} ` +
              `${element.scrollWidth}×${element.scrollHeight} in ${element.clientWidth}×${element.clientHeight}` +
              ` (${out.join(', ')})`,
          );
        }
      }
      return clipped;
    },
    [...WIDGETS],
  );
}

/**
 * Pairs of things drawn over each other: the timeline's rows (placed absolutely by the virtualiser,
 * from measured heights), the parts of each message, the composer's controls.
 */
function overlaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const groups: Array<[container: string, children: string]> = [
      ['.om-timeline__content', ':scope > .om-timeline__row'],
      ['.om-message', ':scope > *'],
      ['.om-message__main', ':scope > *'],
      ['.om-composer', ':scope > *'],
      ['.om-composer__row', ':scope > *'],
      ['.om-toolbar', ':scope > *'],
    ];
    const describe = (element: Element) =>
      `${element.tagName.toLowerCase()}.${element.className}` +
      `${element.textContent ? ` "${element.textContent.trim().slice(0, 30)}"` : ''}`;
    const found: string[] = [];
    for (const [container, children] of groups) {
      for (const parent of document.querySelectorAll(`.om-room-view ${container}`)) {
        const boxes = Array.from(parent.querySelectorAll(children))
          .filter((child) => !child.matches('.om-visually-hidden'))
          .map((child) => ({ child, box: child.getBoundingClientRect() }))
          .filter(({ box }) => box.width > 0 && box.height > 0);
        for (const [i, a] of boxes.entries()) {
          for (const b of boxes.slice(i + 1)) {
            const apart =
              a.box.right <= b.box.left + 1 ||
              b.box.right <= a.box.left + 1 ||
              a.box.bottom <= b.box.top + 1 ||
              b.box.bottom <= a.box.top + 1;
            if (!apart) found.push(`${describe(a.child)} over ${describe(b.child)}`);
          }
        }
      }
    }
    return found;
  });
}

describe('on a phone, 360 CSS pixels wide', () => {
  it('fits the width, keeps the conversation in reach, has 44 px touch targets and sends', async () => {
    const alice = await openAs('alice', {
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const { page } = alice;
    const last = await sendWithButton(alice, 'Sent from a phone', true);
    // The conversation is shorter than the screen: scrolled to, all of it is in view at once.
    await page.locator('.om-room-view').evaluate((view) => view.scrollIntoView({ block: 'nearest' }));
    expect(
      await outsideViewport(page, {
        composer: alice.composer,
        'Send button': page.getByRole('button', { name: 'Send', exact: true }),
        'last message': last,
      }),
    ).toEqual([]);
    // isMobile widens the layout viewport to fit wider content, as phones do: hence both numbers.
    expect(await documentWidth(page)).toEqual({ clientWidth: 360, scrollWidth: 360 });
    // Nor does the widget hide what does not fit (its timeline clips sideways rather than scroll).
    expect(await clippedContent(page)).toEqual([]);
    await alice.screenshot('mobile-360-alice');

    // Every control, including the message menu's items and the notification choices.
    await page.getByText('Notification settings', { exact: true }).tap();
    await last.getByRole('button', { name: /^Actions for the message/ }).tap();
    await last.getByRole('menuitem', { name: 'Reply' }).waitFor();
    expect(await smallTargets(page)).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await documentWidth(page)).toEqual({ clientWidth: 360, scrollWidth: 360 });
  });
});

describe('text at 200 % (WCAG 1.4.4, resize text)', () => {
  it('loses no text to clipping or overlap, does not scroll sideways, and still sends', async () => {
    const alice = await openAs('alice', { viewport: { width: 1280, height: 800 } });
    const { page } = alice;
    // Text-only zoom, as the browser's font size setting does it: the root font size, which every
    // rem of react-ui follows, while pixel sizes stay. Page zoom to 200 % would lay the page out like
    // a 640 px wide viewport, which the phone test already covers; text growing inside boxes that do
    // not is the case that clips.
    await page.addStyleTag({ content: 'html { font-size: 200% !important; }' });
    expect(await alice.composer.evaluate((field) => getComputedStyle(field).fontSize)).toBe('32px');

    await sendWithButton(alice, 'Written with large text');
    const { clientWidth, scrollWidth } = await documentWidth(page);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    expect(await clippedContent(page)).toEqual([]);
    expect(await overlaps(page)).toEqual([]);
    await alice.screenshot('text-200-alice');
  });
});

describe('prefers-reduced-motion: reduce', () => {
  it('stops the widgets’ transitions, animations and smooth scrolling, even those of a host theme', async () => {
    const alice = await openAs('alice', { viewport: { width: 1100, height: 800 }, reducedMotion: 'reduce' });
    const { page } = alice;
    expect(await page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches)).toBe(true);
    // react-ui has no motion of its own; its reduced-motion rule is there for what a host adds. A
    // theme loaded after react-ui's styles, as the example loads its own, with the usual motion:
    await page.addStyleTag({
      content: `
        @keyframes e2e-fade-in { from { opacity: 0; } to { opacity: 1; } }
        .om-button, .om-icon-button { transition: background-color 300ms ease; }
        .om-message { animation: e2e-fade-in 400ms ease both; }
        .om-timeline__scroller { scroll-behavior: smooth; }
      `,
    });
    await sendWithButton(alice, 'Nothing moves');

    const moving = () =>
      page.evaluate(
        (widgets) => {
          const found: string[] = [];
          const seconds = (list: string) =>
            Math.max(...list.split(',').map((value) => Number.parseFloat(value)));
          for (const widget of document.querySelectorAll<HTMLElement>(widgets.join(', '))) {
            for (const element of [widget, ...widget.querySelectorAll<HTMLElement>('*')]) {
              const style = getComputedStyle(element);
              const what = `${element.tagName.toLowerCase()}.${element.className}`;
              if (seconds(style.transitionDuration) > 0)
                found.push(`${what} transition ${style.transitionDuration}`);
              if (style.animationName !== 'none' && seconds(style.animationDuration) > 0)
                found.push(`${what} animation ${style.animationName} ${style.animationDuration}`);
              if (style.scrollBehavior === 'smooth') found.push(`${what} smooth scrolling`);
            }
          }
          return found;
        },
        [...WIDGETS],
      );
    expect(await moving()).toEqual([]);
    await alice.screenshot('reduced-motion-alice');

    // The same page for someone who has not asked: the theme's motion is there (the probe works).
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    expect(await moving()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^button\.om-button om-button--primary transition 0\.3s$/),
        expect.stringMatching(/^article\.om-message.* animation e2e-fade-in 0\.4s$/),
        expect.stringMatching(/^div\.om-timeline__scroller smooth scrolling$/),
      ]),
    );
  });
});
