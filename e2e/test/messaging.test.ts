import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatPage } from './support/ChatPage.js';
import { type E2eBed, startE2eBed } from './support/startE2eBed.js';

// One Synapse, broker, app server and Chromium for the file; alice and bob each in their own
// browser context (separate storage, as on two machines), both on the group page.
let bed: E2eBed;
let alice: ChatPage;
let bob: ChatPage;

beforeAll(async () => {
  bed = await startE2eBed({ users: ['alice', 'bob'] });
  await bed.seed(['alice', 'bob']);
  [alice, bob] = await Promise.all([bed.signIn('alice'), bed.signIn('bob')]);
  await Promise.all([alice.composer.waitFor(), bob.composer.waitFor()]);
});

afterAll(() => bed?.stop());

describe('two people in the group room', () => {
  it('shows a message each way as it is sent', async () => {
    await alice.send('Hello from Alice');
    await bob.sees('Hello from Alice');
    await bob.send('Hi Alice, Bob here');
    await alice.sees('Hi Alice, Bob here');
    // Sent, not merely queued: the server's echo carries an event id.
    await alice.message('Hello from Alice').and(alice.page.locator('[data-event-id]')).waitFor();
    await alice.screenshot('group-conversation-alice');
    await bob.screenshot('group-conversation-bob');
  });

  it('shows who is typing, and stops when they stop', async () => {
    await alice.composer.pressSequentially('Just a sec');
    await bob.page.getByText('Alice is typing…').waitFor();
    await bob.screenshot('typing-bob');
    await alice.composer.fill('');
    await bob.page.getByText('Alice is typing…').waitFor({ state: 'hidden' });
  });

  it('shows that the other person has read a message', async () => {
    await alice.send('Did you read this?');
    await bob.sees('Did you read this?');
    // Bob's timeline is at the bottom of a visible page: his client sends the receipt.
    await alice.receipts('Did you read this?', 'Seen by Bob').waitFor();
    await alice.screenshot('read-receipt-alice');
  });

  it('edits a message for everyone', async () => {
    await alice.send('Meet at 8');
    await bob.sees('Meet at 8');
    await alice.messageAction('Meet at 8', 'Edit');
    await alice.page.getByText('Editing your message').waitFor();
    await alice.composer.fill('Meet at 9 instead');
    await alice.composer.press('Enter');
    const edited = bob.message('Meet at 9 instead');
    await edited.getByText('(edited)').waitFor();
    await bob.timeline.getByText('Meet at 8', { exact: true }).waitFor({ state: 'detached' });
    await bob.screenshot('edited-bob');
  });

  it('deletes a message after confirmation', async () => {
    await alice.send('Oops, wrong room');
    await bob.sees('Oops, wrong room');
    await alice.messageAction('Oops, wrong room', 'Delete');
    const dialog = alice.page.getByRole('alertdialog', { name: 'Delete this message?' });
    await dialog.waitFor();
    await alice.screenshot('delete-confirmation-alice');
    // Modal: the page behind is inert, so neither Tab nor a click there focuses any of it (Tab
    // past the last button goes to the browser's own controls: the document's body here).
    const focusedBehind = () =>
      alice.page.evaluate(() => {
        const focused = document.activeElement;
        return focused !== null && focused !== document.body && focused.closest('dialog[open]') === null;
      });
    expect(await alice.page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    for (let i = 0; i < 4; i++) {
      await alice.page.keyboard.press('Tab');
      expect(await focusedBehind()).toBe(false);
    }
    await alice.page.mouse.click(5, 5);
    expect(await focusedBehind()).toBe(false);
    // Cancel is the safe default: nothing happens.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await alice.sees('Oops, wrong room');

    await alice.messageAction('Oops, wrong room', 'Delete');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await bob.message('Oops, wrong room').waitFor({ state: 'detached' });
    await alice.message('Oops, wrong room').waitFor({ state: 'detached' });
    expect(await bob.timeline.getByText('This message was deleted.').count()).toBeGreaterThan(0);
  });

  it('sends with the keyboard alone: Tab to the composer, type, Enter', async () => {
    const { page } = bob;
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let reached = false;
    for (let presses = 0; presses < 40 && !reached; presses++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(
        () => document.activeElement?.matches('textarea.om-composer__input') ?? false,
      );
    }
    expect(reached, 'Tab never reached the composer').toBe(true);
    await page.keyboard.type('Sent without a mouse');
    await page.keyboard.press('Enter');
    await alice.sees('Sent without a mouse');
  });
});

describe('accessibility (axe-core)', () => {
  it('finds no violations on the group page', async () => {
    await alice.sees('Sent without a mouse');
    expect(await alice.axeViolations()).toEqual([]);
  });

  it('finds no violations on the event page, which shows the event notice', async () => {
    await alice.openSection(/Summit 2026/);
    await alice.sees('now starts at 07:30');
    await alice.screenshot('event-notice-alice');
    expect(await alice.page.title()).toBe('Summit 2026 · OpenMeet Chat example');
    expect(await alice.axeViolations()).toEqual([]);
  });

  it('finds no violations on the DM page', async () => {
    await alice.openDirectMessage('Bob');
    await alice.send('A private hello');
    await alice.sees('A private hello');
    await alice.screenshot('direct-message-alice');
    expect(await alice.page.title()).toBe('Conversation with Bob · OpenMeet Chat example');
    expect(await alice.axeViolations()).toEqual([]);
  });
});

describe('coming back quickly', () => {
  it('sends a typed message without a CORS preflight: typing warmed its URL up', async () => {
    const cdp = await bob.page.context().newCDPSession(bob.page);
    await cdp.send('Network.enable');
    const optionsToSend: Array<{ method: string | undefined }> = [];
    cdp.on('Network.requestWillBeSent', (event) => {
      const { request } = event;
      if (request.method !== 'OPTIONS' || !/\/send\/m\.room\.message\//.test(request.url)) return;
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]),
      );
      optionsToSend.push({ method: headers['access-control-request-method'] });
    });
    await bob.composer.fill('Typed, then sent at once');
    await expect.poll(() => optionsToSend.length).toBeGreaterThan(0);
    await bob.composer.press('Enter');
    await bob.sent('Typed, then sent at once').waitFor();
    // The warm-up (its own preflight and request), and no preflight for the PUT.
    expect(optionsToSend.some((request) => request.method === 'PUT')).toBe(false);
    await cdp.detach();
  });

  it('shows the room again from the last session before the first sync, and no message leaves on the way', async () => {
    const text = 'Still here after the reload';
    await bob.send(text);
    await bob.sent(text).waitFor();
    // The app keeps a snapshot (its `indexedDbCache()`), written 2 s after the last change.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await bob.page.addInitScript((wanted: string) => {
      const seen: { first?: number; leftAt?: number } = {};
      (window as { __reopen?: typeof seen }).__reopen = seen;
      const check = () => {
        const shown = [...document.querySelectorAll('[role="log"] article')].some((row) =>
          row.textContent?.includes(wanted),
        );
        if (shown && seen.first === undefined) seen.first = performance.now();
        if (!shown && seen.first !== undefined && seen.leftAt === undefined) seen.leftAt = performance.now();
        if (performance.now() < 5000) requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    }, text);
    // A slow first sync (a big account, a slow network): the room must not wait for it.
    const initialSync = /\/_matrix\/client\/v3\/sync\?(?!.*since=)/;
    await bob.page.route(initialSync, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    await bob.page.reload();
    await bob.sees(text);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await bob.page.unroute(initialSync);
    const { first, leftAt, firstSyncAnswered } = await bob.page.evaluate(() => ({
      ...(window as { __reopen?: { first?: number; leftAt?: number } }).__reopen,
      firstSyncAnswered: (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((entry) => entry.name.includes('/_matrix/client/v3/sync'))
        .map((entry) => entry.responseEnd)
        .sort((a, b) => a - b)[0],
    }));
    expect(first).toBeDefined();
    expect(firstSyncAnswered).toBeDefined();
    expect(first as number).toBeLessThan(firstSyncAnswered as number);
    expect(leftAt).toBeUndefined();
    await bob.screenshot('reopened-from-snapshot-bob');
  });
});
