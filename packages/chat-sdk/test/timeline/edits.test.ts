import { describe, expect, it } from 'vitest';
import type { RawEvent } from '../../src/timeline/index.js';
import { applyBackPagination } from '../../src/timeline/index.js';
import {
  ALICE,
  BOB,
  edit,
  live,
  loaded,
  message,
  messageItem,
  options,
  outline,
  permutations,
  redaction,
} from './timelineFixtures.js';

const original = message('$m', 'typo', { sender: ALICE, ts: 100 });

describe('edits', () => {
  it('replace the content and keep the original', () => {
    const timeline = live(loaded([original]), [edit('$e1', '$m', 'fixed', { ts: 200 })]);
    expect(outline(timeline)).toEqual(['$m']);
    expect(messageItem(timeline, '$m')).toMatchObject({
      content: { msgtype: 'm.text', body: 'fixed' },
      original: original.content,
      edit: { eventId: '$e1', ts: 200 },
      ts: 100,
    });
  });

  it('apply when the edit arrived before its target', () => {
    const start = loaded([edit('$e1', '$m', 'fixed', { ts: 200 })], 'b0');
    expect(start.items).toEqual([]);
    const timeline = applyBackPagination(start, 'b0', [original], undefined, options);
    expect(messageItem(timeline, '$m').content).toEqual({ msgtype: 'm.text', body: 'fixed' });
  });

  it('count only when made by the original sender', () => {
    const start = loaded([original]);
    const timeline = live(start, [edit('$e1', '$m', 'hijacked', { sender: BOB, ts: 200 })]);
    expect(timeline.items[0]).toBe(start.items[0]);
    expect(messageItem(timeline, '$m').content).toBe(original.content);
    expect(messageItem(timeline, '$m').edit).toBeUndefined();
    expect(messageItem(timeline, '$m').original).toBeUndefined();
  });

  it('resolve to the latest by server time whatever the order of arrival', () => {
    const edits = [
      edit('$e1', '$m', 'first', { ts: 200 }),
      edit('$e3', '$m', 'third', { ts: 400 }),
      edit('$e2', '$m', 'second', { ts: 300 }),
    ];
    for (const order of permutations<RawEvent>([original, ...edits])) {
      const timeline = loaded(order);
      expect(messageItem(timeline, '$m')).toMatchObject({
        content: { body: 'third' },
        edit: { eventId: '$e3', ts: 400 },
      });
    }
  });

  it('keep the reply of the original and ignore a relation in the new content', () => {
    const reply = message('$m', 'answer', { ts: 100, replyTo: '$q' });
    const sneaky = edit('$e1', '$m', 'better answer', { ts: 200 });
    const newContent = { body: 'better answer', 'm.relates_to': { 'm.in_reply_to': { event_id: '$other' } } };
    const timeline = loaded([
      reply,
      { ...sneaky, content: { ...sneaky.content, 'm.new_content': newContent } },
    ]);
    const item = messageItem(timeline, '$m');
    expect(item.content).toEqual({
      body: 'better answer',
      'm.relates_to': { 'm.in_reply_to': { event_id: '$q' } },
    });
    expect(item.replyTo).toBe('$q');
  });

  it('drop a relation the new content claims when the original had none', () => {
    const sneaky = edit('$e1', '$m', 'x', { ts: 200 });
    const newContent = { body: 'x', 'm.relates_to': { 'm.in_reply_to': { event_id: '$other' } } };
    const item = messageItem(
      loaded([original, { ...sneaky, content: { ...sneaky.content, 'm.new_content': newContent } }]),
      '$m',
    );
    expect(item.content).toEqual({ body: 'x' });
    expect(item.replyTo).toBeUndefined();
  });

  it('of an edit are ignored', () => {
    const timeline = loaded([
      original,
      edit('$e1', '$m', 'fixed', { ts: 200 }),
      edit('$e2', '$e1', 'edit of edit', { ts: 300 }),
    ]);
    expect(outline(timeline)).toEqual(['$m']);
    expect(messageItem(timeline, '$m').content).toEqual({ msgtype: 'm.text', body: 'fixed' });
  });

  it('stop applying once redacted: previous edit, then the original', () => {
    const start = loaded([
      original,
      edit('$e1', '$m', 'first', { ts: 200 }),
      edit('$e2', '$m', 'second', { ts: 300 }),
    ]);
    const once = live(start, [redaction('$x2', '$e2', { ts: 400 })]);
    expect(messageItem(once, '$m')).toMatchObject({ content: { body: 'first' }, edit: { eventId: '$e1' } });
    const twice = live(once, [redaction('$x1', '$e1', { ts: 500 })]);
    const item = messageItem(twice, '$m');
    expect(item.content).toBe(original.content);
    expect(item.edit).toBeUndefined();
    expect(item.redacted).toBeUndefined();
  });

  it('that arrive already redacted do not apply', () => {
    const redactedEdit = {
      ...edit('$e1', '$m', 'gone', { ts: 200 }),
      unsigned: { redacted_because: redaction('$x', '$e1', { ts: 300 }) },
    };
    expect(messageItem(loaded([original, redactedEdit]), '$m').content).toBe(original.content);
  });

  it('without a usable new content are ignored, and never shown as messages', () => {
    const broken = edit('$e1', '$m', 'x', { ts: 200 });
    const timeline = loaded([
      original,
      { ...broken, content: { ...broken.content, 'm.new_content': 'not an object' } },
      { ...broken, event_id: '$e2', content: { 'm.relates_to': { rel_type: 'm.replace', event_id: 42 } } },
    ]);
    expect(outline(timeline)).toEqual(['$m']);
    expect(messageItem(timeline, '$m').content).toBe(original.content);
  });

  it('change only their target', () => {
    const start = loaded([original, message('$n', 'other')]);
    const timeline = live(start, [edit('$e1', '$m', 'fixed', { ts: 200 })]);
    expect(timeline.items[1]).toBe(start.items[1]);
    expect(timeline.items[0]).not.toBe(start.items[0]);
  });
});
