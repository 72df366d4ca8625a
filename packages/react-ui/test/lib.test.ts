import type { GapItem } from '@openmeet/chat-sdk';
import { describe, expect, it } from 'vitest';
import { applyFormat, findUrls, timelineRows } from '../src/index.js';
import { ALICE, ME, message } from './fixtures.js';

describe('applyFormat', () => {
  it('wraps the selection, or leaves the caret between the markers', () => {
    expect(applyFormat('a word b', 2, 6, 'bold')).toEqual({
      value: 'a **word** b',
      selectionStart: 4,
      selectionEnd: 8,
    });
    expect(applyFormat('', 0, 0, 'italic')).toEqual({ value: '__', selectionStart: 1, selectionEnd: 1 });
    expect(applyFormat('x\ny', 0, 3, 'code').value).toBe('```\nx\ny\n```');
    expect(applyFormat('site', 0, 4, 'link')).toEqual({
      value: '[site](https://)',
      selectionStart: 7,
      selectionEnd: 15,
    });
  });
});

describe('findUrls', () => {
  it('finds http(s) URLs without trailing punctuation', () => {
    expect(findUrls('go to https://a.example/x?y=1, or (http://b.example). javascript:alert(1)')).toEqual([
      'https://a.example/x?y=1',
      'http://b.example',
    ]);
  });
});

describe('timelineRows', () => {
  it('never counts your own messages as unread', () => {
    const items = [
      message({ eventId: '$1' }),
      message({ eventId: '$2', sender: ME }),
      message({ eventId: '$3', sender: ALICE }),
    ];
    const rows = timelineRows(items, { readUpTo: '$1', userId: ME });
    expect(rows.map((row) => (row.kind === 'message' ? row.item.eventId : row.kind))).toEqual([
      'day',
      '$1',
      '$2',
      'unread',
      '$3',
    ]);
  });

  it('puts no day separator above the oldest loaded message while older ones may come', () => {
    const first = message({ eventId: '$old' });
    const later = message({ eventId: '$later', ts: first.ts + 1000 });
    const kinds = (moreBefore: boolean) =>
      timelineRows([first, later], { readUpTo: undefined, userId: ME, moreBefore }).map((row) =>
        row.kind === 'message' ? row.item.eventId : row.kind,
      );
    expect(kinds(false)).toEqual(['day', '$old', '$later']);
    // The first row is then the message itself, whose key stays put when older ones are prepended.
    expect(kinds(true)).toEqual(['$old', '$later']);
  });

  it('does not group across a gap', () => {
    const gap: GapItem = { kind: 'gap', key: 'g', token: 't', filling: false };
    const first = message();
    const rows = timelineRows([first, gap, message({ ts: first.ts + 1000 })], {
      readUpTo: undefined,
      userId: ME,
    });
    expect(
      rows.filter((row) => row.kind === 'message').map((row) => row.kind === 'message' && row.grouped),
    ).toEqual([false, false]);
  });
});
