import { describe, expect, it } from 'vitest';
import { replyContent } from '../../src/content/replyContent.js';
import { textContent } from '../../src/content/textContent.js';

describe('replyContent', () => {
  it('adds m.in_reply_to and mentions the replied-to sender, without a fallback', () => {
    const reply = replyContent(textContent({ body: 'yes' }), { eventId: '$abc', sender: '@bob:example.org' });
    expect(reply).toEqual({
      msgtype: 'm.text',
      body: 'yes',
      'm.relates_to': { 'm.in_reply_to': { event_id: '$abc' } },
      'm.mentions': { user_ids: ['@bob:example.org'] },
    });
  });

  it('keeps existing mentions and does not repeat the sender', () => {
    const content = textContent({
      body: '@bob:example.org @carol:example.org',
      mentions: { userIds: ['@bob:example.org', '@carol:example.org'], room: true },
    });
    const reply = replyContent(content, { eventId: '$abc', sender: '@bob:example.org' });
    expect(reply['m.mentions']).toEqual({ user_ids: ['@bob:example.org', '@carol:example.org'], room: true });
    expect(reply.formatted_body).toBe(content.formatted_body);
  });

  it('does not mention the sending user when they reply to themselves', () => {
    const reply = replyContent(
      textContent({ body: 'me again' }),
      { eventId: '$abc', sender: '@me:example.org' },
      { ownUserId: '@me:example.org' },
    );
    expect(reply['m.mentions']).toEqual({});
  });

  it('keeps a thread relation and marks the reply as real', () => {
    const inThread = {
      ...textContent({ body: 'x' }),
      'm.relates_to': { rel_type: 'm.thread', event_id: '$root' },
    };
    expect(replyContent(inThread, { eventId: '$abc', sender: '@b:example.org' })['m.relates_to']).toEqual({
      rel_type: 'm.thread',
      event_id: '$root',
      is_falling_back: false,
      'm.in_reply_to': { event_id: '$abc' },
    });
  });

  it('refuses bad IDs and replies that are also edits', () => {
    const content = textContent({ body: 'x' });
    expect(() => replyContent(content, { eventId: 'abc', sender: '@b:example.org' })).toThrow(/event ID/);
    expect(() => replyContent(content, { eventId: '$abc', sender: 'bob' })).toThrow(/user ID/);
    const edit = { ...content, 'm.relates_to': { rel_type: 'm.replace', event_id: '$x' } };
    expect(() => replyContent(edit, { eventId: '$abc', sender: '@b:example.org' })).toThrow(/m.replace/);
  });

  it('does not change its input', () => {
    const content = textContent({ body: 'x' });
    replyContent(content, { eventId: '$abc', sender: '@b:example.org' });
    expect(content).toEqual({ msgtype: 'm.text', body: 'x', 'm.mentions': {} });
  });
});
