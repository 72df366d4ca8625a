// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ChatProvider, RoomView } from '../src/index.js';
import { message, ROOM, seed, testClient } from './fixtures.js';

describe('server-side rendering', () => {
  it('renders a room without a DOM, formatted bodies as their plain text', () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    const { client, store } = testClient();
    seed(store, {
      items: [
        message({
          content: {
            msgtype: 'm.text',
            body: 'plain **fallback**',
            format: 'org.matrix.custom.html',
            formatted_body: '<b>html</b><script>alert(1)</script>',
          },
        }),
      ],
    });
    const html = renderToString(
      <ChatProvider client={client}>
        <RoomView roomId={ROOM} />
      </ChatProvider>,
    );
    expect(html).toContain('role="log"');
    expect(html).toContain('plain **fallback**');
    expect(html).not.toContain('<script');
    expect(html).toContain('Message Hikers');
  });

  it('renders an unknown room too', () => {
    const { client } = testClient();
    expect(() =>
      renderToString(
        <ChatProvider client={client}>
          <RoomView roomId="!r:x" />
        </ChatProvider>,
      ),
    ).not.toThrow();
  });
});
