import { describe, expect, it } from 'vitest';
import { EVENT_SIZE_MARGIN_BYTES, eventSize, MAX_EVENT_BYTES } from '../../src/outbox/eventSize.js';

const base = {
  userId: '@alice:example.org',
  roomId: '!room:example.org',
  eventType: 'm.room.message',
  txnId: 'om.00000000-0000-0000-0000-000000000000',
};

describe('eventSize', () => {
  it('counts the envelope the server returns plus the margin for signatures and hashes', () => {
    const content = { msgtype: 'm.text', body: 'hi' };
    const envelope = JSON.stringify({
      type: base.eventType,
      content,
      room_id: base.roomId,
      sender: base.userId,
      event_id: `$${'x'.repeat(43)}`,
      origin_server_ts: 9_999_999_999_999,
      unsigned: { transaction_id: base.txnId },
    });
    expect(eventSize({ ...base, content })).toBe(envelope.length + EVENT_SIZE_MARGIN_BYTES);
  });

  it('measures UTF-8 bytes, not UTF-16 code units', () => {
    const ascii = eventSize({ ...base, content: { body: 'aaaa' } });
    // "€" is 3 bytes in UTF-8, "😀" is 4 (one character in the body each).
    expect(eventSize({ ...base, content: { body: '€aaa' } })).toBe(ascii + 2);
    expect(eventSize({ ...base, content: { body: '😀aaa' } })).toBe(ascii + 3);
  });

  it('counts redacts when there is one', () => {
    const content = { reason: 'spam' };
    const without = eventSize({ ...base, eventType: 'm.room.redaction', content });
    const withRedacts = eventSize({ ...base, eventType: 'm.room.redaction', content, redacts: '$abc' });
    expect(withRedacts - without).toBe(',"redacts":"$abc"'.length);
  });

  it('puts a body of MAX_EVENT_BYTES minus envelope and margin right at the limit', () => {
    const empty = eventSize({ ...base, content: { body: '' } });
    const fits = 'a'.repeat(MAX_EVENT_BYTES - empty);
    expect(eventSize({ ...base, content: { body: fits } })).toBe(MAX_EVENT_BYTES);
    expect(eventSize({ ...base, content: { body: `${fits}a` } })).toBe(MAX_EVENT_BYTES + 1);
  });
});
