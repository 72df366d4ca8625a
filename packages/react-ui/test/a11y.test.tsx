import { render } from '@testing-library/react';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { NotificationSettings, RoomList, RoomView } from '../src/index.js';
import { ALICE, BOB, ME, message, ROOM, seed, testClient, wrapper } from './fixtures.js';

describe('accessibility (axe-core in happy-dom)', () => {
  it('finds no violations in a populated room view', async () => {
    const { client, store } = testClient();
    seed(store, {
      summary: { typing: [BOB], fullyReadEventId: '$1' },
      items: [
        message({ eventId: '$1', sender: BOB }),
        message({ eventId: '$2', reactions: [{ key: '👍', count: 1, senders: [ME], ownEventId: '$r' }] }),
        message({ eventId: '$3', sender: ME, replyTo: '$1', edit: { eventId: '$e', ts: 1 } }),
        message({
          eventId: undefined,
          txnId: 't',
          sender: ME,
          sendState: 'failed',
          error: { code: 'X', message: 'Refused' },
        }),
        message({
          eventId: '$4',
          sender: ALICE,
          content: { msgtype: 'm.notice', body: 'Moved', 'org.openmeet.notice': { type: 'event.updated' } },
        }),
      ],
    });
    store.setState({ connection: { status: 'reconnecting', transport: 'direct', queued: 2 } });
    const Wrapper = wrapper(client);
    const view = render(
      <Wrapper>
        <main>
          <RoomView roomId={ROOM} />
          <RoomList onSelect={() => {}} selectedRoomId={ROOM} />
          <NotificationSettings roomId={ROOM} />
        </main>
      </Wrapper>,
    );
    const results = await axe.run(view.container, {
      // happy-dom computes no styles or layout: contrast needs a real browser.
      rules: { 'color-contrast': { enabled: false } },
    });
    expect(
      results.violations.map(
        (violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(' | ')}`,
      ),
    ).toEqual([]);
  });
});
