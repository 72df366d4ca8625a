import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatPage } from './support/ChatPage.js';
import { type E2eBed, startE2eBed } from './support/startE2eBed.js';

// One Synapse, broker, app server and Chromium for the file; alice and bob each in their own
// browser context, both on the group page. Alice's context goes offline (Chromium's network
// emulation: every request fails, `navigator.onLine` is false and the page gets `offline`).
let bed: E2eBed;
let alice: ChatPage;
let bob: ChatPage;
let roomId: string;

/** A message send, direct (`/_matrix/client/v3/rooms/…/send/…`) or through the broker's relay. */
const isSend = (url: URL) => /\/rooms\/[^/]+\/send\//.test(url.pathname);

beforeAll(async () => {
  bed = await startE2eBed({ users: ['alice', 'bob'] });
  ({ groupRoomId: roomId } = await bed.seed(['alice', 'bob']));
  [alice, bob] = await Promise.all([bed.signIn('alice'), bed.signIn('bob')]);
  await Promise.all([alice.composer.waitFor(), bob.composer.waitFor()]);
});

afterAll(() => bed?.stop());

/** Those of `bodies` that Synapse holds, in the room's order, as often as it holds them. */
async function onServer(bodies: readonly string[]): Promise<string[]> {
  return (await bed.bodiesOnServer(roomId)).filter((body) => bodies.includes(body));
}

/** Each of `bodies` is in the page's timeline exactly once, in this order. */
async function shownOnceInOrder(chat: ChatPage, bodies: readonly string[]): Promise<void> {
  for (const body of bodies) await chat.sees(body);
  expect((await chat.bodies()).filter((shown) => bodies.includes(shown))).toEqual(bodies);
  for (const body of bodies) expect(await chat.message(body).count(), body).toBe(1);
}

describe('messages written offline', () => {
  it('are queued, shown as waiting, and delivered once each and in order when the network returns', async () => {
    const context = alice.page.context();
    const bodies = [1, 2, 3, 4, 5].map((n) => `Written offline, note ${n} of 5`);

    await context.setOffline(true);
    await alice.connectionIs('offline');
    for (const body of bodies) await alice.send(body);

    for (const body of bodies) await alice.sending(body).waitFor();
    await alice.connectionBanner.getByText('You are offline.').waitFor();
    await alice.connectionBanner.getByText('5 messages waiting to be sent.').waitFor();
    await alice.screenshot('outbox-offline-queued-alice');
    // Queued in the browser, not merely slow: the server has none of them.
    expect(await onServer(bodies)).toEqual([]);

    await context.setOffline(false);
    await shownOnceInOrder(bob, bodies);
    for (const body of bodies) await alice.sent(body).waitFor();
    await alice.timeline.getByText('Sending…').first().waitFor({ state: 'detached' });
    await alice.connectionBanner.getByText(/waiting to be sent/).waitFor({ state: 'detached' });
    await shownOnceInOrder(alice, bodies);
    expect(await onServer(bodies)).toEqual(bodies);
    await bob.screenshot('outbox-delivered-bob');
  });

  it('survive a reload, even one whose send reached the server unanswered, and are delivered once', async () => {
    const context = alice.page.context();
    const bodies = [1, 2, 3].map((n) => `Queued before the reload, note ${n} of 3`);

    // "A tab closed with unsent messages": a reload while offline cannot load the app (it has no
    // service worker), and cutting the homeserver would not keep them queued (the app's `auto`
    // transport would send them through the broker's relay). So while offline the messages are
    // queued, and from then on every send is aborted in the browser, direct or relayed, except
    // the first, which reaches Synapse and loses its answer on the way back: the hard case,
    // where only the transaction id fixed at enqueue time keeps the retry after the reload from
    // posting it twice. The reload then happens online, with sends still failing; the queue can
    // only come back from the browser's storage.
    let answerLost: () => void = () => {};
    const firstSendReachedServer = new Promise<void>((resolve) => {
      answerLost = resolve;
    });
    let forwardNext = true;
    const failSends = async (route: Route) => {
      // The SDK's preflight warm-ups for the next send (OPTIONS) are not sends.
      if (route.request().method() === 'OPTIONS') {
        await route.continue();
        return;
      }
      if (forwardNext) {
        // Playwright makes this request itself; should it fail (still offline), the next one goes.
        const reached = await route.fetch().then(
          () => true,
          () => false,
        );
        if (reached) {
          forwardNext = false;
          answerLost();
        }
      }
      await route.abort('connectionreset');
    };

    await context.setOffline(true);
    await alice.connectionIs('offline');
    await context.route(isSend, failSends);
    for (const body of bodies) await alice.send(body);
    for (const body of bodies) await alice.sending(body).waitFor();
    await alice.connectionBanner.getByText('3 messages waiting to be sent.').waitFor();

    await context.setOffline(false);
    await firstSendReachedServer;
    await bob.sees(bodies[0] as string);
    // The queue is stuck behind the first message, whose answer never arrives.
    expect(await onServer(bodies)).toEqual(bodies.slice(0, 1));

    await alice.page.reload();
    await alice.composer.waitFor();
    for (const body of bodies.slice(1)) await alice.sending(body).waitFor();
    // Restored from storage in the order they were written, whatever order storage keeps them in.
    expect((await alice.bodies()).filter((shown) => bodies.includes(shown))).toEqual(bodies);
    await alice.screenshot('outbox-restored-after-reload-alice');
    expect(await onServer(bodies)).toEqual(bodies.slice(0, 1));

    await context.unroute(isSend, failSends);
    // The browser's `online` event makes the outbox retry at once instead of at the end of its
    // backoff (up to 30 s after this many failures): the network flapping back, as it does.
    await context.setOffline(true);
    await context.setOffline(false);

    await shownOnceInOrder(bob, bodies);
    for (const body of bodies) await alice.sent(body).waitFor();
    await alice.timeline.getByText('Sending…').first().waitFor({ state: 'detached' });
    await shownOnceInOrder(alice, bodies);
    expect(await onServer(bodies)).toEqual(bodies);
    await alice.screenshot('outbox-delivered-after-reload-alice');
  });
});
