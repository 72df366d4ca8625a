import { render, screen } from '@testing-library/react';
import { Suspense } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as widgets from '../src/index.js';
import { LazyChatProvider, LazyRoomList, LazyRoomView, loadWidgets } from '../src/lazy.js';
import { message, ROOM, seed, testClient } from './fixtures.js';

describe('@openmeet/react-ui/lazy', () => {
  afterEach(() => {
    vi.doUnmock('../src/index.js');
    vi.doUnmock('@openmeet/chat-sdk');
  });

  it('shows the fallback, then the widgets once they are loaded', async () => {
    const { client, store } = testClient();
    seed(store, { items: [message({ content: { msgtype: 'm.text', body: 'hello from afar' } })] });
    render(
      <Suspense fallback={<p>Loading chat…</p>}>
        <LazyChatProvider client={client}>
          <LazyRoomList onSelect={() => {}} />
          <LazyRoomView roomId={ROOM} />
        </LazyChatProvider>
      </Suspense>,
    );
    expect(await screen.findByRole('log', { name: 'Messages in Hikers' })).toBeTruthy();
    expect(screen.getByText('hello from afar')).toBeTruthy();
    expect(screen.getByRole('listbox')).toBeTruthy();
    expect(screen.queryByText('Loading chat…')).toBeNull();
  });

  it('loads the same module as the main entry point, once', async () => {
    const first = loadWidgets();
    expect(loadWidgets()).toBe(first);
    // Same module instance: a lazy provider and statically imported widgets share one context.
    expect((await first).ChatContext).toBe(widgets.ChatContext);
  });

  it('tries again after a failed download', async () => {
    vi.resetModules();
    vi.doMock('../src/index.js', () => {
      throw new Error('offline');
    });
    const lazy = await import('../src/lazy.js');
    await expect(lazy.loadWidgets()).rejects.toThrow();
    vi.doUnmock('../src/index.js');
    await expect(lazy.loadWidgets()).resolves.toHaveProperty('RoomView');
  });

  it('loads neither the widgets nor the SDK until something asks for them', async () => {
    vi.resetModules();
    const evaluated: string[] = [];
    vi.doMock('../src/index.js', async (importOriginal) => {
      evaluated.push('widgets');
      return importOriginal();
    });
    vi.doMock('@openmeet/chat-sdk', async (importOriginal) => {
      evaluated.push('chat-sdk');
      return importOriginal();
    });
    const lazy = await import('../src/lazy.js');
    expect(evaluated).toEqual([]);
    await lazy.loadWidgets();
    expect(evaluated.sort()).toEqual(['chat-sdk', 'widgets']);
  });
});
