import { ChatSdkError } from '@openmeet/chat-sdk';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ChatErrorNotice } from '../src/index.js';

describe('ChatErrorNotice', () => {
  it('renders a ChatSdkError as an alert tagged with its code (server-side, no DOM)', () => {
    const html = renderToStaticMarkup(
      <ChatErrorNotice error={new ChatSdkError('CHAT_UNAUTHORIZED', 'Signed out')} />,
    );
    expect(html).toBe('<div role="alert" class="om-error" data-code="CHAT_UNAUTHORIZED">Signed out</div>');
  });

  it('hides the message of foreign errors and renders nothing without an error', () => {
    expect(renderToStaticMarkup(<ChatErrorNotice error={new Error('stack details')} />)).toContain(
      'Something went wrong.',
    );
    expect(renderToStaticMarkup(<ChatErrorNotice error={undefined} />)).toBe('');
  });
});
