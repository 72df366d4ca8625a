import { fireEvent, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Composer } from '../src/index.js';
import { ME, message, ROOM, seed, testClient, wrapper } from './fixtures.js';

function setup(options: Parameters<typeof seed>[1] = {}) {
  const harness = testClient();
  seed(harness.store, options);
  const Wrapper = wrapper(harness.client);
  render(
    <Wrapper>
      <Composer roomId={ROOM} />
    </Wrapper>,
  );
  const field = screen.getByRole('textbox', { name: 'Message Hikers' }) as HTMLTextAreaElement;
  return { ...harness, field, user: userEvent.setup() };
}

describe('Composer', () => {
  it('sends on Enter and adds a line on Shift+Enter', async () => {
    const { field, user, spies } = setup();
    await user.type(field, 'first{Shift>}{Enter}{/Shift}second');
    expect(field.value).toBe('first\nsecond');
    expect(spies.sendMessage).not.toHaveBeenCalled();
    await user.keyboard('{Enter}');
    expect(spies.sendMessage).toHaveBeenCalledWith(ROOM, 'first\nsecond', {});
    expect(field.value).toBe('');
  });

  it('sends typing notices while typing and stops them on blur', async () => {
    const { field, user, spies } = setup();
    await user.type(field, 'h');
    expect(spies.setTyping).toHaveBeenLastCalledWith(ROOM, true);
    await user.tab();
    expect(spies.setTyping).toHaveBeenLastCalledWith(ROOM, false);
  });

  it('edits your last message on ArrowUp in an empty draft; Escape cancels', async () => {
    const own = message({ sender: ME, eventId: '$own', content: { msgtype: 'm.text', body: 'old text' } });
    const { field, user, spies } = setup({ items: [own, message()] });
    await user.click(field);
    await user.keyboard('{ArrowUp}');
    expect(field.value).toBe('old text');
    expect(screen.getByText('Editing your message')).toBeTruthy();

    await user.keyboard('{Escape}');
    expect(field.value).toBe('');
    expect(screen.queryByText('Editing your message')).toBeNull();

    await user.keyboard('{ArrowUp}!{Enter}');
    expect(spies.editMessage).toHaveBeenCalledWith(ROOM, '$own', 'old text!');
    expect(spies.sendMessage).not.toHaveBeenCalled();
  });

  it('wraps the selection in Markdown from the toolbar and the shortcuts', async () => {
    const { field, user } = setup();
    await user.type(field, 'word');
    field.setSelectionRange(0, 4);
    await user.click(screen.getByRole('button', { name: 'Bold' }));
    expect(field.value).toBe('**word**');

    field.setSelectionRange(2, 6);
    await user.keyboard('{Control>}i{/Control}');
    expect(field.value).toBe('**_word_**');

    field.setSelectionRange(field.value.length, field.value.length);
    await user.click(screen.getByRole('button', { name: 'Link' }));
    expect(field.value).toBe('**_word_**[](https://)');
  });

  it('uploads a pasted file with its progress, and cancels it', async () => {
    const { field, spies } = setup();
    let signal: AbortSignal | undefined;
    spies.sendFile.mockImplementation((_room, _file, options = {}) => {
      signal = options.signal;
      options.onProgress?.({ loaded: 25, total: 100 });
      return new Promise(() => {});
    });
    const file = new File(['hello'], 'notes.txt', { type: 'text/plain' });
    fireEvent.paste(field, { clipboardData: { files: [file], types: ['Files'] } });
    expect(spies.sendFile).toHaveBeenCalledWith(
      ROOM,
      file,
      expect.objectContaining({ signal: expect.anything() }),
    );
    const progress = await screen.findByRole('progressbar', { name: 'Uploading notes.txt' });
    expect(progress.getAttribute('value')).toBe('25');
    expect(progress.getAttribute('max')).toBe('100');

    fireEvent.click(screen.getByRole('button', { name: 'Cancel the upload of notes.txt' }));
    expect(signal?.aborted).toBe(true);
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('uploads dropped files', () => {
    const { field, spies } = setup();
    const file = new File(['png'], 'photo.png', { type: 'image/png' });
    const form = field.closest('form');
    if (!form) throw new Error('no form');
    fireEvent.drop(form, { dataTransfer: { files: [file], types: ['Files'] } });
    expect(spies.sendFile).toHaveBeenCalledWith(ROOM, file, expect.any(Object));
  });

  it('is disabled with the reason in a read-only room', () => {
    const { field } = setup({ summary: { readOnly: true } });
    expect(field.disabled).toBe(true);
    const reason = screen.getByText(/read-only/);
    expect(field.getAttribute('aria-describedby')).toBe(reason.id);
    expect(within(field.closest('form') as HTMLElement).getByRole('button', { name: 'Send' })).toHaveProperty(
      'disabled',
      true,
    );
  });
});
