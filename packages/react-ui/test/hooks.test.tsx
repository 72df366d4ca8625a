import { ChatSdkError } from '@openmeet/chat-sdk';
import { act, render, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useConnection, useEntityRoom, useRoom, useRoomField, useTimeline, useTyping } from '../src/index.js';
import { message, ROOM, room, seed, testClient, timelineOf, wrapper } from './fixtures.js';

const OTHER = '!other:example.org';

const renders = { room: 0, connection: 0, name: 0 };

function RoomName() {
  renders.room += 1;
  return <span>{useRoom(ROOM)?.name}</span>;
}

function NameField() {
  renders.name += 1;
  return <span>{useRoomField(ROOM, 'name')}</span>;
}

function Status() {
  renders.connection += 1;
  return <span>{useConnection().status}</span>;
}

describe('hooks', () => {
  it('throw an error that says to wrap the tree in <ChatProvider> outside it', () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => renderHook(() => useRoom(ROOM))).toThrow(/wrap the tree in <ChatProvider/);
    quiet.mockRestore();
  });

  it('re-render only when their own slice changes', () => {
    const { client, store } = testClient();
    seed(store);
    store.setState((state) => ({
      rooms: { ...state.rooms, [OTHER]: room({ roomId: OTHER, name: 'Other' }) },
    }));
    renders.room = 0;
    renders.connection = 0;
    const Wrapper = wrapper(client);
    const view = render(
      <Wrapper>
        <RoomName />
        <Status />
      </Wrapper>,
    );
    expect(renders).toMatchObject({ room: 1, connection: 1 });

    act(() =>
      store.setState((state) => ({ rooms: { ...state.rooms, [OTHER]: room({ roomId: OTHER, unread: 4 }) } })),
    );
    expect(renders).toMatchObject({ room: 1, connection: 1 });

    act(() => store.setState((state) => ({ rooms: { ...state.rooms, [ROOM]: room({ name: 'Climbers' }) } })));
    expect(renders).toMatchObject({ room: 2, connection: 1 });
    expect(view.container.textContent).toContain('Climbers');

    act(() => store.setState({ connection: { status: 'offline', transport: 'direct', queued: 0 } }));
    expect(renders).toMatchObject({ room: 2, connection: 2 });
  });

  it("useRoomField renders when its field changes, not on the room's typing notices and counts", () => {
    const { client, store } = testClient();
    seed(store);
    renders.name = 0;
    const Wrapper = wrapper(client);
    const view = render(
      <Wrapper>
        <NameField />
      </Wrapper>,
    );
    const change = (patch: Parameters<typeof room>[0]) =>
      act(() =>
        store.setState((state) => ({
          rooms: { ...state.rooms, [ROOM]: { ...state.rooms[ROOM], ...patch } as ReturnType<typeof room> },
        })),
      );
    change({ typing: ['@bob:example.org'], unread: 3 });
    expect(renders.name).toBe(1);
    change({ name: 'Climbers' });
    expect(renders.name).toBe(2);
    expect(view.container.textContent).toBe('Climbers');
  });

  it('useTimeline pages back through the client unless at the beginning or already paging', () => {
    const { client, store, spies } = testClient();
    seed(store, { items: [message()], backToken: 'tok' });
    const { result } = renderHook(() => useTimeline(ROOM), { wrapper: wrapper(client) });
    expect(result.current.hasMore).toBe(true);
    act(() => result.current.paginateBack());
    expect(spies.paginateBack).toHaveBeenCalledWith(ROOM);

    act(() =>
      store.setState((state) => ({
        timelines: { ...state.timelines, [ROOM]: { ...timelineOf(store), paginating: true } },
      })),
    );
    expect(result.current.paginating).toBe(true);
    act(() => result.current.paginateBack());
    expect(spies.paginateBack).toHaveBeenCalledTimes(1);

    act(() =>
      store.setState((state) => ({
        timelines: {
          ...state.timelines,
          [ROOM]: { ...timelineOf(store), paginating: false, backToken: null },
        },
      })),
    );
    expect(result.current.hasMore).toBe(false);
    act(() => result.current.paginateBack());
    expect(spies.paginateBack).toHaveBeenCalledTimes(1);
  });

  it('useTyping lists typing users and sends typing notices', () => {
    const { client, store, spies } = testClient();
    seed(store, { summary: { typing: ['@alice:example.org'] } });
    const { result } = renderHook(() => useTyping(ROOM), { wrapper: wrapper(client) });
    expect(result.current.users).toEqual(['@alice:example.org']);
    result.current.setTyping(true);
    expect(spies.setTyping).toHaveBeenCalledWith(ROOM, true);
  });

  it('useEntityRoom opens the room of a host entity: loading, then ready or error', async () => {
    const { client, spies } = testClient();
    const { result } = renderHook(() => useEntityRoom({ kind: 'group', slug: 'hikers' }), {
      wrapper: wrapper(client),
    });
    expect(result.current.status).toBe('loading');
    await waitFor(() => expect(result.current).toEqual({ roomId: ROOM, status: 'ready', error: undefined }));
    expect(spies.openEntityRoom).toHaveBeenCalledWith({ kind: 'group', slug: 'hikers' });

    const failure = new ChatSdkError('CHAT_ROOM_NOT_FOUND', 'No such group');
    spies.openEntityRoom.mockRejectedValueOnce(failure);
    const failed = renderHook(() => useEntityRoom({ kind: 'event', id: 'e-1' }), {
      wrapper: wrapper(client),
    });
    await waitFor(() => expect(failed.result.current.status).toBe('error'));
    expect(failed.result.current.error).toBe(failure);
    expect(spies.openEntityRoom).toHaveBeenLastCalledWith({ kind: 'event', id: 'e-1' });
  });
});
