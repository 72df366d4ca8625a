import { describe, expect, it } from 'vitest';
import { isChatSdkError } from '../../src/ChatSdkError.js';
import { textContent } from '../../src/content/textContent.js';

describe('textContent', () => {
  it('sends plain text as body only, with empty m.mentions', () => {
    expect(textContent({ body: 'hello' })).toEqual({ msgtype: 'm.text', body: 'hello', 'm.mentions': {} });
  });

  it('adds formatted_body when the Markdown has formatting', () => {
    expect(textContent({ body: '**hi**' })).toEqual({
      msgtype: 'm.text',
      body: '**hi**',
      format: 'org.matrix.custom.html',
      formatted_body: '<strong>hi</strong>',
      'm.mentions': {},
    });
  });

  it('sends no HTML when markdown is off', () => {
    expect(textContent({ body: '**hi**', markdown: false })).toEqual({
      msgtype: 'm.text',
      body: '**hi**',
      'm.mentions': {},
    });
  });

  it('supports notices and emotes, and refuses other msgtypes', () => {
    expect(textContent({ body: 'waves', msgtype: 'm.emote' }).msgtype).toBe('m.emote');
    expect(textContent({ body: 'bot', msgtype: 'm.notice' }).msgtype).toBe('m.notice');
    expect(() => textContent({ body: 'x', msgtype: 'm.image' as 'm.text' })).toThrow(/msgtype/);
  });

  it('lists mentions and turns them into pills', () => {
    const content = textContent({
      body: 'hi @alice:example.org and @room',
      mentions: { userIds: ['@alice:example.org', '@bob:example.org', '@alice:example.org'], room: true },
    });
    expect(content['m.mentions']).toEqual({
      user_ids: ['@alice:example.org', '@bob:example.org'],
      room: true,
    });
    expect(content.formatted_body).toBe(
      'hi <a href="https://matrix.to/#/@alice:example.org">@alice:example.org</a> and @room',
    );
  });

  it('makes pills without markdown too, escaping the rest', () => {
    const content = textContent({
      body: '<b> @alice:example.org\n**x**',
      markdown: false,
      mentions: { userIds: ['@alice:example.org'] },
    });
    expect(content.formatted_body).toBe(
      '&lt;b&gt; <a href="https://matrix.to/#/@alice:example.org">@alice:example.org</a><br>**x**',
    );
  });

  it('omits room: false', () => {
    expect(textContent({ body: 'x', mentions: { userIds: [], room: false } })['m.mentions']).toEqual({});
  });

  it('refuses empty bodies and malformed user IDs', () => {
    for (const bad of [
      () => textContent({ body: '  ' }),
      () => textContent({ body: 'x', mentions: { userIds: ['alice'] } }),
    ]) {
      try {
        bad();
        expect.unreachable();
      } catch (error) {
        expect(isChatSdkError(error, 'CHAT_BAD_INPUT')).toBe(true);
      }
    }
  });

  it('is JSON-safe', () => {
    const content = textContent({ body: '*x* @a:b.c', mentions: { userIds: ['@a:b.c'] } });
    expect(JSON.parse(JSON.stringify(content))).toEqual(content);
  });
});
