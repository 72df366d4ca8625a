import type { ConnectionState } from '@openmeet/chat-sdk';
import { act, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import {
  ConnectionBanner,
  NotificationSettings,
  ReadReceipts,
  RoomList,
  RoomView,
  TypingIndicator,
} from '../src/index.js';
import { ALICE, BOB, ME, member, message, ROOM, room, seed, testClient, wrapper } from './fixtures.js';

const CAROL = '@carol:example.org';

describe('TypingIndicator', () => {
  it.each([
    [[], ''],
    [[ALICE], 'Alice is typing…'],
    [[ALICE, BOB], 'Alice and Bob are typing…'],
    [[ALICE, BOB, CAROL], 'Several people are typing…'],
  ])('with %j says "%s" in a polite status region', (typing, text) => {
    const { client, store } = testClient();
    seed(store, { summary: { typing }, members: [member(CAROL, 'Carol')] });
    const Wrapper = wrapper(client);
    render(
      <Wrapper>
        <TypingIndicator roomId={ROOM} />
      </Wrapper>,
    );
    const region = screen.getByRole('status');
    expect(region.getAttribute('aria-live')).toBe('polite');
    expect(region.textContent).toBe(text);
  });
});

describe('ReadReceipts', () => {
  it('labels the avatars with who has seen the message', () => {
    const { client, store } = testClient();
    seed(store, { items: [message({ eventId: '$seen' })] });
    store.setState({
      receipts: { [ROOM]: { [BOB]: { eventId: '$seen', ts: 1 }, [ME]: { eventId: '$seen', ts: 1 } } },
    });
    const Wrapper = wrapper(client);
    render(
      <Wrapper>
        <ReadReceipts roomId={ROOM} eventId="$seen" />
      </Wrapper>,
    );
    expect(screen.getByRole('img', { name: 'Seen by Bob' })).toBeTruthy();
  });
});

describe('RoomList', () => {
  function show(selectedRoomId?: string) {
    const { client, store } = testClient();
    store.setState({
      rooms: {
        '!a:x': room({
          roomId: '!a:x',
          name: 'Hikers',
          kind: 'group',
          unread: 3,
          mentions: 1,
          lastActivityTs: 3,
        }),
        '!b:x': room({ roomId: '!b:x', name: 'Summit day', kind: 'event', lastActivityTs: 2 }),
        '!c:x': room({ roomId: '!c:x', name: 'Bob', kind: 'dm', unread: 1, lastActivityTs: 1 }),
      },
    });
    const onSelect = vi.fn();
    const Wrapper = wrapper(client);
    render(
      <Wrapper>
        <RoomList onSelect={onSelect} selectedRoomId={selectedRoomId} />
      </Wrapper>,
    );
    return { onSelect, store, user: userEvent.setup() };
  }

  it('lists rooms as options with their kind and spoken badges', () => {
    show('!b:x');
    const list = screen.getByRole('listbox', { name: 'Rooms' });
    const options = within(list).getAllByRole('option');
    expect(options.map((option) => option.textContent)).toEqual([
      '👥Group: Hikers@1, 1 mention3, 3 unread messages',
      '📅Event: Summit day',
      '💬Direct message: Bob1, 1 unread message',
    ]);
    expect(options.map((option) => option.getAttribute('aria-selected'))).toEqual(['false', 'true', 'false']);
  });

  it('moves with the arrow keys, Home and End, and opens with Enter', async () => {
    const { onSelect, user } = show();
    const list = screen.getByRole('listbox');
    await user.tab();
    expect(document.activeElement).toBe(list);
    const active = () =>
      document.getElementById(list.getAttribute('aria-activedescendant') ?? '')?.textContent;
    expect(active()).toContain('Hikers');
    await user.keyboard('{ArrowDown}');
    expect(active()).toContain('Summit day');
    await user.keyboard('{End}');
    expect(active()).toContain('Bob');
    await user.keyboard('{Home}{ArrowDown}{Enter}');
    expect(onSelect).toHaveBeenCalledWith('!b:x');
    await user.click(screen.getByRole('option', { name: /Bob/ }));
    expect(onSelect).toHaveBeenLastCalledWith('!c:x');
  });
});

describe('ConnectionBanner', () => {
  function show(connection: ConnectionState) {
    const { client, store } = testClient();
    store.setState({ connection });
    const Wrapper = wrapper(client);
    render(
      <Wrapper>
        <ConnectionBanner />
      </Wrapper>,
    );
    return { store, region: screen.getByRole('status') };
  }

  it('is empty while live', () => {
    expect(show({ status: 'live', transport: 'direct', queued: 0 }).region.textContent).toBe('');
  });

  it.each([
    ['reconnecting', 'Connection lost. Reconnecting…'],
    ['offline', 'You are offline.'],
    ['fallback', 'Connected in fallback mode'],
    ['error', 'Chat is unavailable.'],
  ] as const)('announces %s with the queued messages', (status, text) => {
    const { region, store } = show({ status, transport: 'direct', queued: 3 });
    expect(region.textContent).toContain(text);
    expect(region.textContent).toContain('3 messages waiting to be sent.');
    act(() => store.setState({ connection: { status: 'live', transport: 'direct', queued: 0 } }));
    expect(region.textContent).toBe('');
  });
});

describe('NotificationSettings', () => {
  it('is a radio group that sets the mode through the client', async () => {
    const { client, store, spies } = testClient();
    seed(store, { summary: { notification: 'mentions' } });
    const Wrapper = wrapper(client);
    render(
      <Wrapper>
        <NotificationSettings roomId={ROOM} />
      </Wrapper>,
    );
    const group = screen.getByRole('group', { name: 'Notifications' });
    expect((within(group).getByRole('radio', { name: 'Mentions only' }) as HTMLInputElement).checked).toBe(
      true,
    );
    await userEvent.setup().click(within(group).getByRole('radio', { name: 'Mute' }));
    expect(spies.setNotificationMode).toHaveBeenCalledWith(ROOM, 'mute');
  });
});

describe('strings', () => {
  it('are overridden by the provider, the rest stays English', () => {
    const { client, store } = testClient();
    seed(store, { summary: { typing: [ALICE] }, items: [message()] });
    const Wrapper = wrapper(client, {
      composerLabel: (name) => `Nachricht an ${name}`,
      typing: (names) => `${names.join(', ')} schreibt…`,
    });
    render(
      <Wrapper>
        <RoomView roomId={ROOM} />
      </Wrapper>,
    );
    expect(screen.getByRole('textbox', { name: 'Nachricht an Hikers' })).toBeTruthy();
    expect(screen.getByText('Alice schreibt…')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();
  });
});
