import type { GapItem } from '@openmeet/chat-sdk';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Timeline } from '../src/index.js';
import { ALICE, BOB, message, ROOM, seed, setItems, testClient, wrapper } from './fixtures.js';

function show(options: Parameters<typeof seed>[1]) {
  const harness = testClient();
  seed(harness.store, options);
  const Wrapper = wrapper(harness.client);
  const view = render(
    <Wrapper>
      <Timeline roomId={ROOM} />
    </Wrapper>,
  );
  const log = screen.getByRole('log', { name: 'Messages in Hikers' });
  return { ...harness, view, log, user: userEvent.setup() };
}

const articles = (log: HTMLElement) => Array.from(log.querySelectorAll('article'));

/** Scroll metrics happy-dom does not compute (it has no layout). */
function scrollMetrics(
  element: HTMLElement,
  metrics: { scrollTop: number; scrollHeight: number; clientHeight: number },
) {
  for (const [name, value] of Object.entries(metrics)) {
    Object.defineProperty(element, name, { configurable: true, writable: true, value });
  }
}

describe('Timeline', () => {
  it('is a labelled polite log', () => {
    const { log } = show({ items: [message()] });
    expect(log.getAttribute('aria-live')).toBe('polite');
  });

  it('has one tab stop and moves focus with ArrowUp/ArrowDown/Home/End', async () => {
    const items = [message(), message({ sender: BOB }), message(), message({ sender: BOB })];
    const { log, user } = show({ items });
    const rows = articles(log);
    expect(rows).toHaveLength(4);
    expect(rows.map((row) => row.tabIndex)).toEqual([-1, -1, -1, 0]);

    await user.tab();
    expect(document.activeElement).toBe(rows[3]);
    await user.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(articles(log)[2]);
    expect(articles(log).map((row) => row.tabIndex)).toEqual([-1, -1, 0, -1]);
    await user.keyboard('{Home}');
    expect(document.activeElement).toBe(articles(log)[0]);
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(articles(log)[1]);
    await user.keyboard('{End}');
    expect(document.activeElement).toBe(articles(log)[3]);
  });

  it('puts the "New messages" divider after the fully-read marker, before the first unread message', () => {
    const items = [
      message({ eventId: '$1' }),
      message({ eventId: '$2' }),
      message({ eventId: '$3' }),
      message({ eventId: '$4' }),
    ];
    const { log } = show({ items, summary: { fullyReadEventId: '$2' } });
    const divider = screen.getByRole('separator', { name: 'New messages' });
    const order = Array.from(log.querySelectorAll('article, .om-unread-divider')).map((node) =>
      node === divider ? 'divider' : node.getAttribute('data-event-id'),
    );
    expect(order).toEqual(['$1', '$2', 'divider', '$3', '$4']);
  });

  it('shows no divider when everything is read', () => {
    const items = [message({ eventId: '$1' }), message({ eventId: '$2' })];
    show({ items, summary: { fullyReadEventId: '$2' } });
    expect(screen.queryByRole('separator', { name: 'New messages' })).toBeNull();
  });

  it('separates days and groups one sender within five minutes', () => {
    const day1 = Date.UTC(2025, 0, 1, 12, 0);
    const items = [
      message({ ts: day1 }),
      message({ ts: day1 + 60_000 }),
      message({ ts: day1 + 7 * 60_000 }),
      message({ ts: day1 + 8 * 60_000, sender: BOB }),
      message({ ts: day1 + 24 * 3600_000, sender: BOB }),
    ];
    const { log } = show({ items });
    expect(log.querySelectorAll('.om-day-separator')).toHaveLength(2);
    expect(articles(log).map((row) => row.classList.contains('om-message--grouped'))).toEqual([
      false,
      true,
      false,
      false,
      false,
    ]);
  });

  it('renders gaps with a control that fills them', async () => {
    const gap: GapItem = { kind: 'gap', key: 'gap-1', token: 'tok-9', filling: false };
    const { user, spies } = show({ items: [message(), gap, message()] });
    await user.click(screen.getByRole('button', { name: 'Load missing messages' }));
    expect(spies.fillGap).toHaveBeenCalledWith(ROOM, 'tok-9');
  });

  it('marks the latest message read while at the bottom, not while scrolled up', () => {
    const { log, store, spies } = show({ items: [message({ eventId: '$a' }), message({ eventId: '$b' })] });
    expect(spies.markRead).toHaveBeenLastCalledWith(ROOM, '$b');

    scrollMetrics(log, { scrollTop: 1000, scrollHeight: 5000, clientHeight: 600 });
    fireEvent.scroll(log);
    expect(screen.getByRole('button', { name: 'Jump to latest messages' })).toBeTruthy();
    act(() =>
      setItems(store, [message({ eventId: '$a' }), message({ eventId: '$b' }), message({ eventId: '$c' })]),
    );
    expect(spies.markRead).not.toHaveBeenCalledWith(ROOM, '$c');

    scrollMetrics(log, { scrollTop: 4400, scrollHeight: 5000, clientHeight: 600 });
    fireEvent.scroll(log);
    expect(screen.queryByRole('button', { name: 'Jump to latest messages' })).toBeNull();
    expect(spies.markRead).toHaveBeenLastCalledWith(ROOM, '$c');
  });

  it('pages back when scrolled near the top', () => {
    const { log, spies } = show({ items: [message(), message()], backToken: 'older' });
    spies.paginateBack.mockClear();
    scrollMetrics(log, { scrollTop: 2000, scrollHeight: 5000, clientHeight: 600 });
    fireEvent.scroll(log);
    expect(spies.paginateBack).not.toHaveBeenCalled();
    scrollMetrics(log, { scrollTop: 100, scrollHeight: 5000, clientHeight: 600 });
    fireEvent.scroll(log);
    expect(spies.paginateBack).toHaveBeenCalledWith(ROOM);
  });

  it('does not page back at the beginning of the room', () => {
    const { log, spies } = show({ items: [message()], backToken: null });
    scrollMetrics(log, { scrollTop: 0, scrollHeight: 5000, clientHeight: 600 });
    fireEvent.scroll(log);
    expect(spies.paginateBack).not.toHaveBeenCalled();
  });

  it('shows state changes with the member name', () => {
    show({
      items: [
        {
          kind: 'state',
          key: '$s',
          eventId: '$s',
          sender: ALICE,
          ts: Date.UTC(2025, 0, 1),
          type: 'm.room.topic',
          stateKey: '',
          content: { topic: 'Alps' },
        },
      ],
    });
    expect(screen.getByText('Alice changed the topic to Alps')).toBeTruthy();
  });
});
