import type { StateItem, TimelineItem } from '@openmeet/chat-sdk';
import { render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { Timeline, timelineRows } from '../src/index.js';
import { ALICE, BOB, ME, message, ROOM, seed, testClient, wrapper } from './fixtures.js';

const CREATED = Date.UTC(2025, 4, 1, 9, 0, 0);

function state(type: string, content: Record<string, unknown>, patch: Partial<StateItem> = {}): StateItem {
  const eventId = `$${type}-${patch.sender ?? ALICE}-${patch.ts ?? CREATED}`;
  return {
    kind: 'state',
    key: eventId,
    eventId,
    sender: ALICE,
    ts: CREATED,
    type,
    stateKey: '',
    content,
    ...patch,
  };
}

/** What a new room's history starts with (membership hidden, as by default). */
const setup = (): StateItem[] => [
  state('m.room.create', { room_version: '11' }),
  state('m.room.join_rules', { join_rule: 'public' }),
  state('m.room.history_visibility', { history_visibility: 'shared' }),
  state('m.room.name', { name: 'Hikers' }),
  state('m.room.topic', { topic: 'Alps' }),
];

const outline = (items: TimelineItem[]) =>
  timelineRows(items, { readUpTo: undefined, userId: ME }).map((row) =>
    row.kind === 'creation'
      ? `creation:${row.create.type}+${row.changes.length}`
      : row.kind === 'message' || row.kind === 'state'
        ? (row.item.eventId ?? row.kind)
        : row.kind,
  );

describe('timelineRows: the room creation', () => {
  it('collapses m.room.create and the setup after it into one row, up to the first message', () => {
    const first = message({ eventId: '$hello', ts: CREATED + 60_000 });
    expect(outline([...setup(), first])).toEqual(['day', 'creation:m.room.create+4', '$hello']);
  });

  it('ends the run at a change by someone else, a gap or another day', () => {
    const bobTopic = state('m.room.topic', { topic: 'Bob' }, { sender: BOB });
    expect(outline([...setup(), bobTopic])).toEqual(['day', 'creation:m.room.create+4', bobTopic.eventId]);
    const gap = { kind: 'gap', key: 'g', token: 't', filling: false } as const;
    expect(outline([...setup(), gap])).toEqual(['day', 'creation:m.room.create+4', 'gap']);
    const nextDay = state('m.room.name', { name: 'Later' }, { ts: CREATED + 24 * 60 * 60 * 1000 });
    expect(outline([...setup(), nextDay])).toEqual([
      'day',
      'creation:m.room.create+4',
      'day',
      nextDay.eventId,
    ]);
  });

  it('summarises a lone creation, and nothing before the room beginning is loaded', () => {
    expect(outline([state('m.room.create', {}), message({ eventId: '$m', ts: CREATED + 1 })])).toEqual([
      'day',
      'creation:m.room.create+0',
      '$m',
    ]);
    const [, ...withoutCreate] = setup();
    expect(outline(withoutCreate)).toEqual(['day', ...withoutCreate.map((item) => item.eventId)]);
  });

  it('keeps the unread divider and grouping after the run', () => {
    const items = [
      ...setup(),
      message({ eventId: '$1', ts: CREATED + 1000 }),
      message({ eventId: '$2', ts: CREATED + 2000 }),
    ];
    const rows = timelineRows(items, { readUpTo: setup()[4]?.eventId, userId: ME });
    expect(rows.map((row) => row.kind)).toEqual(['day', 'creation', 'unread', 'message', 'message']);
    expect(rows.filter((row) => row.kind === 'message').map((row) => row.grouped)).toEqual([false, true]);
  });
});

describe('RoomCreationSummary', () => {
  function show(items: TimelineItem[]) {
    const harness = testClient();
    seed(harness.store, { items, backToken: null });
    const Wrapper = wrapper(harness.client);
    render(
      <Wrapper>
        <Timeline roomId={ROOM} />
      </Wrapper>,
    );
    return { log: screen.getByRole('log'), user: userEvent.setup() };
  }

  it('shows who created the room and how many changes they made, with a disclosure for the list', async () => {
    const { log, user } = show([...setup(), message({ ts: CREATED + 60_000 })]);
    const summary = within(log).getByText('Alice created the room and made 4 changes');
    const row = summary.closest('.om-creation') as HTMLElement;
    const toggle = within(row).getByRole('button', { name: 'Details' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    const list = document.getElementById(toggle.getAttribute('aria-controls') ?? '') as HTMLElement;
    expect(list.hidden).toBe(true);
    expect(within(log).queryAllByRole('listitem')).toHaveLength(0);

    await user.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(list.hidden).toBe(false);
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      'Alice made the room public',
      'Alice changed who can read the history',
      'Alice renamed the room to Hikers',
      'Alice changed the topic to Alps',
    ]);
    await user.click(toggle);
    expect(list.hidden).toBe(true);
  });

  it('is one stop of the roving focus; Enter and Space on its button toggle the list', async () => {
    const { log, user } = show([...setup(), message({ ts: CREATED + 60_000 })]);
    const row = log.querySelector('.om-creation') as HTMLElement;
    const toggle = within(row).getByRole('button', { name: 'Details' });
    const article = log.querySelector('article') as HTMLElement;
    article.focus();
    await user.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(row);
    expect(row.tabIndex).toBe(0);
    expect(toggle.tabIndex).toBe(0);
    await user.tab();
    expect(document.activeElement).toBe(toggle);
    await user.keyboard('{Enter}');
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    await user.keyboard(' ');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
  });

  it('passes axe, collapsed and expanded', async () => {
    const { log, user } = show([...setup(), message({ ts: CREATED + 60_000 })]);
    const check = async () =>
      (await axe.run(log, { rules: { 'color-contrast': { enabled: false } } })).violations.map(
        (violation) => violation.id,
      );
    expect(await check()).toEqual([]);
    await user.click(within(log).getByRole('button', { name: 'Details' }));
    expect(await check()).toEqual([]);
  });

  it('has no button when the creation stands alone', () => {
    const { log } = show([state('m.room.create', {}), message({ ts: CREATED + 60_000 })]);
    expect(within(log).getByText('Alice created the room')).toBeTruthy();
    expect(within(log).queryByRole('button', { name: 'Details' })).toBeNull();
  });

  it('takes its texts from the catalogue', () => {
    const harness = testClient();
    seed(harness.store, { items: setup(), backToken: null });
    const Wrapper = wrapper(harness.client, {
      roomCreated: (name, changes) => `${name} a créé le salon (${changes})`,
      roomCreationDetails: 'Détails',
    });
    render(
      <Wrapper>
        <Timeline roomId={ROOM} />
      </Wrapper>,
    );
    expect(screen.getByText('Alice a créé le salon (4)')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Détails' })).toBeTruthy();
  });
});
