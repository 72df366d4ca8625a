import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatPage } from './support/ChatPage.js';
import { type E2eBed, startE2eBed } from './support/startE2eBed.js';

// One Synapse, broker, app server and Chromium for the file. The browsers reach Synapse only
// through `bed.proxy`; the broker talks to it directly. With the proxy cut the homeserver is
// unreachable for the browsers (a network that blocks it), and the app's `auto` transport must
// fall back to the broker: events over its SSE stream, requests through its relay.
let bed: E2eBed;
let alice: ChatPage;
let bob: ChatPage;
let roomId: string;

const FALLBACK = 'Connected in fallback mode: messages may arrive more slowly.';

beforeAll(async () => {
  bed = await startE2eBed({ users: ['alice', 'bob'] });
  ({ groupRoomId: roomId } = await bed.seed(['alice', 'bob']));
});

afterAll(() => bed?.stop());

/** Signs both in, each in a fresh browser context, on the group page. */
async function signInBoth(): Promise<void> {
  [alice, bob] = await Promise.all([bed.signIn('alice'), bed.signIn('bob')]);
  await Promise.all([alice.composer.waitFor(), bob.composer.waitFor()]);
}

describe('with the homeserver blocked from the start', () => {
  beforeAll(async () => {
    await bed.proxy.cut();
    await signInBoth();
  });

  afterAll(async () => {
    await Promise.all([alice?.page.context().close(), bob?.page.context().close()]);
  });

  it('says it is connected in fallback mode', async () => {
    for (const chat of [alice, bob]) {
      await chat.connectionIs('fallback');
      await chat.connectionBanner.getByText(FALLBACK).waitFor();
    }
    await alice.screenshot('sse-fallback-banner-alice');
  });

  it('shows a message each way as it is sent', async () => {
    // The send goes through the broker's relay, the homeserver being out of the browser's reach.
    const relayed = alice.page.waitForResponse(
      (response) =>
        response.request().method() === 'PUT' &&
        response.url().startsWith(`${bed.brokerUrl}/api/matrix/proxy/`) &&
        /\/rooms\/[^/]+\/send\//.test(response.url()),
    );
    await alice.send('Hello over the fallback');
    expect((await relayed).status()).toBe(200);
    await bob.sees('Hello over the fallback');
    await bob.send('Hi Alice, fallback here too');
    await alice.sees('Hi Alice, fallback here too');
    await alice.sent('Hello over the fallback').waitFor();
    await bob.sent('Hi Alice, fallback here too').waitFor();
    await bob.screenshot('sse-conversation-bob');
  });

  it('shows who is typing, and stops when they stop', async () => {
    await alice.composer.pressSequentially('Typing through the broker');
    await bob.page.getByText('Alice is typing…').waitFor();
    await bob.screenshot('sse-typing-bob');
    await alice.composer.fill('');
    await bob.page.getByText('Alice is typing…').waitFor({ state: 'hidden' });
  });

  it('shows that the other person has read a message', async () => {
    await alice.send('Read this via SSE?');
    await bob.sees('Read this via SSE?');
    await alice.receipts('Read this via SSE?', 'Seen by Bob').waitFor();
    await alice.screenshot('sse-read-receipt-alice');
  });

  it('edits a message for everyone', async () => {
    await alice.send('Fallback meeting at 8');
    await bob.sees('Fallback meeting at 8');
    await alice.messageAction('Fallback meeting at 8', 'Edit');
    await alice.page.getByText('Editing your message').waitFor();
    await alice.composer.fill('Fallback meeting at 9 instead');
    await alice.composer.press('Enter');
    await bob.message('Fallback meeting at 9 instead').getByText('(edited)').waitFor();
    await bob.timeline.getByText('Fallback meeting at 8', { exact: true }).waitFor({ state: 'detached' });
    await bob.screenshot('sse-edited-bob');
  });

  it('deletes a message after confirmation', async () => {
    await alice.send('Oops, wrong room (fallback)');
    await bob.sees('Oops, wrong room (fallback)');
    await alice.messageAction('Oops, wrong room (fallback)', 'Delete');
    const dialog = alice.page.getByRole('alertdialog', { name: 'Delete this message?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await alice.sees('Oops, wrong room (fallback)');

    await alice.messageAction('Oops, wrong room (fallback)', 'Delete');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await bob.message('Oops, wrong room (fallback)').waitFor({ state: 'detached' });
    await alice.message('Oops, wrong room (fallback)').waitFor({ state: 'detached' });
    await bob.timeline.getByText('This message was deleted.').first().waitFor();
    await bob.screenshot('sse-deleted-bob');
  });
});

describe('when the homeserver goes away mid-session and comes back', () => {
  it('keeps delivering every message exactly once, over SSE and then directly again', async () => {
    await bed.proxy.start();
    await signInBoth();
    await alice.connectionIs('live');
    await bob.connectionIs('live');

    const sent: string[] = [];
    const say = async (from: ChatPage, to: ChatPage, body: string, timeout = 30_000) => {
      await from.send(body);
      await to.message(body).waitFor({ timeout });
      await from.sent(body).waitFor({ timeout });
      sent.push(body);
    };

    await say(alice, bob, 'Mid-session 1: direct, before the outage');
    await say(bob, alice, 'Mid-session 2: direct, Bob answers');

    await bed.proxy.cut();
    // Sent while the direct sync is still failing over: the outbox retries it wherever the
    // transport switch lands.
    await say(alice, bob, 'Mid-session 3: sent during the outage', 90_000);
    await alice.connectionIs('fallback', { timeout: 90_000 });
    await bob.connectionIs('fallback', { timeout: 90_000 });
    await alice.screenshot('sse-mid-session-fallback-alice');
    await say(bob, alice, 'Mid-session 4: Bob over SSE');
    await say(alice, bob, 'Mid-session 5: Alice over SSE');

    await bed.proxy.start();
    await say(bob, alice, 'Mid-session 6: homeserver back, Bob');
    await say(alice, bob, 'Mid-session 7: homeserver back, Alice');
    // SSE mode probes the homeserver every minute and switches back once it answers.
    await alice.connectionIs('live', { timeout: 120_000 });
    await bob.connectionIs('live', { timeout: 120_000 });
    await say(bob, alice, 'Mid-session 8: direct again, Bob');
    await say(alice, bob, 'Mid-session 9: direct again, Alice');

    for (const chat of [alice, bob]) {
      expect((await chat.bodies()).filter((body) => sent.includes(body))).toEqual(sent);
      for (const body of sent) expect(await chat.message(body).count(), `${chat.user}: ${body}`).toBe(1);
    }
    expect((await bed.bodiesOnServer(roomId)).filter((body) => sent.includes(body))).toEqual(sent);
    await bob.screenshot('sse-mid-session-after-bob');
  }, 240_000);
});
