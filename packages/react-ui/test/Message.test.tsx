import type { MessageItem } from '@openmeet/chat-sdk';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SENDING_SHOWN_AFTER_MS } from '../src/components/SendStatus.js';
import { Composer, Message } from '../src/index.js';
import { ALICE, BOB, ME, message, ROOM, seed, testClient, wrapper } from './fixtures.js';

function show(item: MessageItem, items: MessageItem[] = [item]) {
  const harness = testClient();
  seed(harness.store, { items });
  const Wrapper = wrapper(harness.client);
  const view = render(
    <Wrapper>
      <Message item={item} roomId={ROOM} />
      <Composer roomId={ROOM} />
    </Wrapper>,
  );
  return {
    ...harness,
    view,
    /** Renders the message as `next` (the same client and composer). */
    rerender: (next: MessageItem) =>
      view.rerender(
        <Wrapper>
          <Message item={next} roomId={ROOM} />
          <Composer roomId={ROOM} />
        </Wrapper>,
      ),
    article: view.container.querySelector('article') as HTMLElement,
    user: userEvent.setup(),
  };
}

describe('Message', () => {
  it('renders formatted_body only after sanitising: no script, no handlers, safe links', () => {
    const { article } = show(
      message({
        content: {
          msgtype: 'm.text',
          body: 'plain',
          format: 'org.matrix.custom.html',
          formatted_body:
            '<b>bold</b><script>window.pwned = 1</script><img src="https://x.test/a.png" onerror="window.pwned = 2"><a href="https://example.org" onclick="x()">site</a><a href="javascript:alert(1)">bad</a>',
        },
      }),
    );
    expect(article.querySelector('b')?.textContent).toBe('bold');
    expect(article.querySelector('script')).toBeNull();
    expect(article.innerHTML).not.toMatch(/onerror|onclick|javascript:|pwned/);
    const link = within(article).getByRole('link', { name: 'site' });
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(link.getAttribute('target')).toBe('_blank');
  });

  it('linkifies URLs in plain bodies and shows code blocks', () => {
    const { article } = show(
      message({
        content: { msgtype: 'm.text', body: 'see https://example.org/a. and ```\nlet x = 1;\n```' },
      }),
    );
    const link = within(article).getByRole('link', { name: 'https://example.org/a' });
    expect(link.getAttribute('href')).toBe('https://example.org/a');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(article.querySelector('pre code')?.textContent).toBe('let x = 1;\n');
  });

  it('shows the sender name, a <time>, "(edited)" and the deleted placeholder', () => {
    const edited = message({ edit: { eventId: '$edit', ts: 1 } });
    const { article } = show(edited);
    expect(within(article).getByText('Alice')).toBeTruthy();
    expect(article.querySelector('time')?.getAttribute('dateTime')).toBe(new Date(edited.ts).toISOString());
    expect(within(article).getByText('(edited)')).toBeTruthy();

    const deleted = show(message({ content: {}, redacted: { by: ALICE, ts: 2 } }));
    expect(within(deleted.article).getByText('This message was deleted.')).toBeTruthy();
    expect(within(deleted.article).queryByRole('button', { name: /Actions/ })).toBeNull();
  });

  it('quotes the replied-to message when loaded, else "a message"', () => {
    const original = message({
      sender: BOB,
      eventId: '$orig',
      content: { msgtype: 'm.text', body: 'original words' },
    });
    const reply = message({ replyTo: '$orig' });
    const { article } = show(reply, [original, reply]);
    const quote = article.querySelector('blockquote') as HTMLElement;
    expect(quote.textContent).toContain('In reply to Bob');
    expect(quote.textContent).toContain('original words');

    const orphan = show(message({ replyTo: '$gone' }));
    expect(orphan.article.querySelector('blockquote')?.textContent).toBe('In reply to a message');
  });

  it('renders host notices as a notice card with their type', () => {
    const { article } = show(
      message({
        content: {
          msgtype: 'm.notice',
          body: 'The hike moved to 10:00',
          'org.openmeet.notice': { type: 'event.updated' },
        },
      }),
    );
    const card = article.querySelector('.om-notice') as HTMLElement;
    expect(card.getAttribute('data-notice-type')).toBe('event.updated');
    expect(card.textContent).toContain('Notice: event.updated');
    expect(card.textContent).toContain('The hike moved to 10:00');
  });

  it('toggles reactions: pressed when yours, click reacts or unreacts', async () => {
    const item = message({
      eventId: '$liked',
      reactions: [
        { key: '👍', count: 2, senders: [ALICE, ME], ownEventId: '$mine' },
        { key: '🎉', count: 1, senders: [BOB] },
      ],
    });
    const { user, spies } = show(item);
    const mine = screen.getByRole('button', { name: /👍: 2 reactions, including yours/ });
    const theirs = screen.getByRole('button', { name: /🎉: 1 reaction$/ });
    expect(mine.getAttribute('aria-pressed')).toBe('true');
    expect(theirs.getAttribute('aria-pressed')).toBe('false');
    await user.click(mine);
    expect(spies.unreact).toHaveBeenCalledWith(ROOM, '$liked', '👍');
    await user.click(theirs);
    expect(spies.react).toHaveBeenCalledWith(ROOM, '$liked', '🎉');
  });

  it('offers Resend and Discard for failed and unsent messages', async () => {
    const failed = message({
      sender: ME,
      eventId: undefined,
      txnId: 'txn-1',
      sendState: 'failed',
      error: { code: 'CHAT_FORBIDDEN', message: 'You may not post here' },
    });
    const { user, spies, article } = show(failed);
    expect(article.textContent).toContain('Not sent: You may not post here');
    await user.click(within(article).getByRole('button', { name: 'Resend' }));
    expect(spies.resend).toHaveBeenCalledWith('txn-1');
    await user.click(within(article).getByRole('button', { name: 'Discard' }));
    expect(spies.discard).toHaveBeenCalledWith('txn-1');

    const unsent = show(message({ sender: ME, eventId: undefined, txnId: 'txn-2', sendState: 'unsent' }));
    await unsent.user.click(within(unsent.article).getByRole('button', { name: 'Resend' }));
    expect(unsent.spies.resend).toHaveBeenCalledWith('txn-2');

    const sending = show(message({ sender: ME, eventId: undefined, txnId: 'txn-3', sendState: 'sending' }));
    expect(await within(sending.article).findByText('Sending…', undefined, { timeout: 3000 })).toBeTruthy();
    expect(within(sending.article).queryByRole('button', { name: 'Resend' })).toBeNull();
  });

  it('marks a message "Sending…" only once it has taken a while, so a quick send never changes its row', async () => {
    const pending = message({ sender: ME, eventId: undefined, txnId: 'txn-4', sendState: 'sending' });
    const { rerender, article } = show(pending);
    expect(article.textContent).not.toContain('Sending…');
    // Answered within the delay: the mark never shows, before or after the moment it would have.
    const { sendState: _sending, ...rest } = pending;
    const sent: MessageItem = { ...rest, eventId: '$sent' };
    rerender(sent);
    await act(() => new Promise((resolve) => setTimeout(resolve, SENDING_SHOWN_AFTER_MS + 100)));
    expect(article.textContent).not.toContain('Sending…');

    // Still sending after it: marked, and unmarked once sent.
    rerender(pending);
    await act(() => new Promise((resolve) => setTimeout(resolve, SENDING_SHOWN_AFTER_MS / 5)));
    expect(article.textContent).not.toContain('Sending…');
    expect(await within(article).findByText('Sending…', undefined, { timeout: 3000 })).toBeTruthy();
    rerender(sent);
    expect(article.textContent).not.toContain('Sending…');
  });

  it('asks before deleting: Escape cancels, Delete confirms', async () => {
    const { user, spies, article } = show(message({ sender: ME, eventId: '$mine' }));
    const trigger = within(article).getByRole('button', { name: 'Actions for the message from Me' });
    await user.click(trigger);
    await user.click(screen.getByRole('menuitem', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete this message?' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));

    // A modal <dialog> (the browser keeps focus inside it: checked in Chromium by the e2e tests).
    expect(dialog instanceof HTMLDialogElement && dialog.open).toBe(true);

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(spies.deleteMessage).not.toHaveBeenCalled();

    await user.click(trigger);
    await user.click(screen.getByRole('menuitem', { name: 'Delete' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    expect(spies.deleteMessage).toHaveBeenCalledWith(ROOM, '$mine');
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('offers edit and delete only on your own messages', async () => {
    const { user, article } = show(message({ eventId: '$theirs' }));
    await user.click(within(article).getByRole('button', { name: /Actions for the message from Alice/ }));
    const names = screen.getAllByRole('menuitem').map((item) => item.textContent);
    expect(names).toContain('Reply');
    expect(names).not.toContain('Edit');
    expect(names).not.toContain('Delete');
  });

  it('Reply puts the composer in reply mode; Escape cancels it', async () => {
    const { user, spies, article } = show(message({ eventId: '$q' }));
    await user.click(within(article).getByRole('button', { name: /Actions/ }));
    await user.click(screen.getByRole('menuitem', { name: 'Reply' }));
    expect(screen.getByText('Replying to Alice')).toBeTruthy();
    const field = screen.getByRole('textbox');
    expect(document.activeElement).toBe(field);
    await user.keyboard('agreed{Enter}');
    expect(spies.sendMessage).toHaveBeenCalledWith(ROOM, 'agreed', { replyTo: '$q' });

    await user.click(within(article).getByRole('button', { name: /Actions/ }));
    await user.click(screen.getByRole('menuitem', { name: 'Reply' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByText('Replying to Alice')).toBeNull();
  });

  it('shows images in a box reserved from info.w/h, with the body as alt', async () => {
    const { article, spies } = show(
      message({
        content: {
          msgtype: 'm.image',
          body: 'summit.jpg',
          url: 'mxc://x/img',
          info: { w: 640, h: 480, mimetype: 'image/jpeg' },
        },
      }),
    );
    const box = article.querySelector('.om-image') as HTMLElement;
    expect(box.style.aspectRatio).toBe('320 / 240');
    const image = await within(article).findByRole('img', { name: 'summit.jpg' });
    expect(image.getAttribute('src')).toBe('blob:media');
    expect(image.getAttribute('width')).toBe('320');
    expect(spies.mediaUrl).toHaveBeenCalledWith('mxc://x/img', { width: 320, height: 240, method: 'scale' });
  });

  it('offers files for download with their name and size', async () => {
    const { article } = show(
      message({
        content: {
          msgtype: 'm.file',
          body: 'route.gpx',
          url: 'mxc://x/f',
          info: { size: 2048, mimetype: 'application/gpx+xml' },
        },
      }),
    );
    const link = await within(article).findByRole('link', { name: 'Download route.gpx (2.0 KB)' });
    expect(link.getAttribute('href')).toBe('blob:media');
  });

  it('previews the first link once per URL', async () => {
    const harness = testClient();
    harness.spies.urlPreview.mockResolvedValue({
      'og:title': 'Example Domain',
      'og:description': 'An example',
    });
    const first = message({ content: { msgtype: 'm.text', body: 'https://example.org' } });
    const second = message({ content: { msgtype: 'm.text', body: 'again https://example.org' } });
    seed(harness.store, { items: [first, second] });
    const Wrapper = wrapper(harness.client);
    render(
      <Wrapper>
        <Message item={first} roomId={ROOM} />
        <Message item={second} roomId={ROOM} />
      </Wrapper>,
    );
    expect(await screen.findAllByText('Example Domain')).toHaveLength(2);
    expect(harness.spies.urlPreview).toHaveBeenCalledTimes(1);
  });

  it('uses member avatars through mediaUrl and initials otherwise', async () => {
    const { view, store, spies } = show(message());
    expect(view.container.querySelector('.om-avatar')?.textContent).toBe('A');
    act(() =>
      store.setState((state) => ({
        members: {
          ...state.members,
          [ROOM]: {
            ...state.members[ROOM],
            [ALICE]: {
              userId: ALICE,
              displayName: 'Alice',
              avatarUrl: 'mxc://x/alice',
              membership: 'join',
              powerLevel: 0,
            },
          },
        },
      })),
    );
    await waitFor(() =>
      expect(view.container.querySelector('.om-avatar__image')?.getAttribute('src')).toBe('blob:media'),
    );
    expect(spies.mediaUrl).toHaveBeenCalledWith('mxc://x/alice', { width: 64, height: 64, method: 'crop' });
  });
});
