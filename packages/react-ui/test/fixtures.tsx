import {
  type ChatClient,
  type ChatState,
  createChatClient,
  type Member,
  type MessageItem,
  type RoomSummary,
  type RoomTimeline,
  type TimelineItem,
} from '@openmeet/chat-sdk';
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import { ChatProvider, type ChatStrings } from '../src/index.js';

export const ROOM = '!room:example.org';
export const ME = '@me:example.org';
export const ALICE = '@alice:example.org';
export const BOB = '@bob:example.org';

/**
 * A real `ChatClient` (so its real zustand store and types), never connected; the methods the
 * widgets call are spies that resolve at once.
 */
export function testClient() {
  const client = createChatClient({
    brokerUrl: 'http://broker.test',
    storage: 'memory',
    deviceKey: 'test-device-1',
    network: { isOnline: () => true, subscribe: () => () => {} },
  });
  const spies = {
    sendMessage: vi.spyOn(client, 'sendMessage').mockResolvedValue({ txnId: 'txn-sent' }),
    editMessage: vi.spyOn(client, 'editMessage').mockResolvedValue({ txnId: 'txn-edit' }),
    deleteMessage: vi.spyOn(client, 'deleteMessage').mockResolvedValue(undefined),
    react: vi.spyOn(client, 'react').mockResolvedValue(undefined),
    unreact: vi.spyOn(client, 'unreact').mockResolvedValue(undefined),
    resend: vi.spyOn(client, 'resend').mockResolvedValue(undefined),
    discard: vi.spyOn(client, 'discard').mockResolvedValue(undefined),
    setTyping: vi.spyOn(client, 'setTyping').mockReturnValue(undefined),
    markRead: vi.spyOn(client, 'markRead').mockReturnValue(undefined),
    sendFile: vi.spyOn(client, 'sendFile').mockResolvedValue({ txnId: 'txn-file' }),
    mediaUrl: vi.spyOn(client, 'mediaUrl').mockResolvedValue('blob:media'),
    urlPreview: vi.spyOn(client, 'urlPreview').mockResolvedValue({}),
    paginateBack: vi.spyOn(client, 'paginateBack').mockResolvedValue(true),
    fillGap: vi.spyOn(client, 'fillGap').mockResolvedValue(undefined),
    setNotificationMode: vi.spyOn(client, 'setNotificationMode').mockResolvedValue(undefined),
    openEntityRoom: vi.spyOn(client, 'openEntityRoom').mockResolvedValue(ROOM),
  };
  client.store.setState({ userId: ME, connection: { status: 'live', transport: 'direct', queued: 0 } });
  return { client, store: client.store, spies };
}

export function room(patch: Partial<RoomSummary> = {}): RoomSummary {
  return {
    roomId: ROOM,
    membership: 'join',
    kind: 'group',
    name: 'Hikers',
    unread: 0,
    mentions: 0,
    notification: 'all',
    lastActivityTs: 0,
    typing: [],
    readOnly: false,
    ...patch,
  };
}

const BASE_TS = Date.UTC(2025, 4, 1, 10, 0, 0);
let counter = 0;

/** A message from Alice; `eventId: undefined` makes a local echo. */
export function message(patch: { [K in keyof MessageItem]?: MessageItem[K] | undefined } = {}): MessageItem {
  counter += 1;
  const eventId = 'eventId' in patch ? patch.eventId : `$event${counter}`;
  return {
    kind: 'message',
    key: eventId ?? `txn${counter}`,
    eventId,
    sender: ALICE,
    ts: BASE_TS + counter * 60_000,
    type: 'm.room.message',
    content: { msgtype: 'm.text', body: `message ${counter}` },
    reactions: [],
    ...patch,
  } as MessageItem;
}

export function member(userId: string, displayName: string): Member {
  return { userId, displayName, membership: 'join', powerLevel: 0 };
}

/** Puts one room, its items and members into the store. */
export function seed(
  store: ChatClient['store'],
  {
    items = [],
    summary = {},
    members = [],
    backToken = null,
  }: {
    items?: TimelineItem[];
    summary?: Partial<RoomSummary>;
    members?: Member[];
    backToken?: string | null;
  } = {},
): void {
  store.setState((state: ChatState) => ({
    rooms: { ...state.rooms, [ROOM]: room(summary) },
    timelines: { ...state.timelines, [ROOM]: { items, backToken, paginating: false, relations: new Map() } },
    members: {
      ...state.members,
      [ROOM]: Object.fromEntries(
        [member(ME, 'Me'), member(ALICE, 'Alice'), member(BOB, 'Bob'), ...members].map((m) => [m.userId, m]),
      ),
    },
  }));
}

export function setItems(store: ChatClient['store'], items: TimelineItem[]): void {
  store.setState((state: ChatState) => {
    const timeline = state.timelines[ROOM];
    if (!timeline) throw new Error('seed the room first');
    return { timelines: { ...state.timelines, [ROOM]: { ...timeline, items } } };
  });
}

/** A `wrapper` for render/renderHook: the provider around what is rendered. */
export function wrapper(client: ChatClient, strings?: Partial<ChatStrings>) {
  return ({ children }: { children: ReactNode }) => (
    <ChatProvider client={client} {...(strings ? { strings } : {})}>
      {children}
    </ChatProvider>
  );
}

/** The room's timeline (it must have been seeded). */
export function timelineOf(store: ChatClient['store']): RoomTimeline {
  const timeline = store.getState().timelines[ROOM];
  if (!timeline) throw new Error('seed the room first');
  return timeline;
}
