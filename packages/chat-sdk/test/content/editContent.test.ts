import { describe, expect, it } from 'vitest';
import { editContent } from '../../src/content/editContent.js';
import { textContent } from '../../src/content/textContent.js';

describe('editContent', () => {
  it('builds an m.replace edit with a "* " fallback', () => {
    expect(editContent('$orig', textContent({ body: 'fixed' }))).toEqual({
      msgtype: 'm.text',
      body: '* fixed',
      'm.new_content': { msgtype: 'm.text', body: 'fixed', 'm.mentions': {} },
      'm.relates_to': { rel_type: 'm.replace', event_id: '$orig' },
      'm.mentions': {},
    });
  });

  it('prefixes the formatted fallback too', () => {
    const edit = editContent('$orig', textContent({ body: '**fixed**' }));
    expect(edit.format).toBe('org.matrix.custom.html');
    expect(edit.formatted_body).toBe('* <strong>fixed</strong>');
    expect(edit['m.new_content'].formatted_body).toBe('<strong>fixed</strong>');
  });

  it('mentions only newly mentioned users outside, all of them inside m.new_content', () => {
    const original = textContent({ body: 'hi @alice:x.org', mentions: { userIds: ['@alice:x.org'] } });
    const updated = textContent({
      body: 'hi @alice:x.org and @bob:x.org @room',
      mentions: { userIds: ['@alice:x.org', '@bob:x.org'], room: true },
    });
    const edit = editContent('$orig', updated, original);
    expect(edit['m.mentions']).toEqual({ user_ids: ['@bob:x.org'], room: true });
    expect(edit['m.new_content']['m.mentions']).toEqual({
      user_ids: ['@alice:x.org', '@bob:x.org'],
      room: true,
    });
  });

  it('does not notify the room again when it was already mentioned', () => {
    const before = textContent({ body: '@room', mentions: { userIds: [], room: true } });
    const after = textContent({ body: '@room!', mentions: { userIds: [], room: true } });
    expect(editContent('$orig', after, before)['m.mentions']).toEqual({});
  });

  it('counts every mention as new without the previous content', () => {
    const updated = textContent({ body: 'hi', mentions: { userIds: ['@alice:x.org'] } });
    expect(editContent('$orig', updated)['m.mentions']).toEqual({ user_ids: ['@alice:x.org'] });
  });

  it('leaves any relation out of m.new_content (edits of replies)', () => {
    const reply = { ...textContent({ body: 'r' }), 'm.relates_to': { 'm.in_reply_to': { event_id: '$q' } } };
    const edit = editContent('$orig', reply);
    expect(edit['m.new_content']).not.toHaveProperty('m.relates_to');
    expect(edit['m.relates_to']).toEqual({ rel_type: 'm.replace', event_id: '$orig' });
  });

  it('refuses a malformed event ID', () => {
    expect(() => editContent('orig', textContent({ body: 'x' }))).toThrow(/event ID/);
  });
});
