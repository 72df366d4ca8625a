import { describe, expect, it } from 'vitest';
import { matchMention, splitMentions } from '../../src/content/matchMention.js';

const IDS = ['@al:x.org', '@al:x.org.uk'];

describe('matchMention', () => {
  it('matches a listed ID standing alone, the longest first', () => {
    expect(matchMention('@al:x.org rest', undefined, IDS)).toBe('@al:x.org');
    expect(matchMention('@al:x.org.uk', ' ', IDS)).toBe('@al:x.org.uk');
    expect(matchMention('@al:x.org.', '(', IDS)).toBe('@al:x.org');
  });

  it('does not match inside longer words or IDs', () => {
    expect(matchMention('@al:x.org', 'e', IDS)).toBeUndefined();
    expect(matchMention('@al:x.orgy', ' ', IDS)).toBeUndefined();
    expect(matchMention('@al:x.org:8448', ' ', IDS)).toBeUndefined();
    expect(matchMention('@al:x.org.de', ' ', IDS)).toBeUndefined();
    expect(matchMention('al:x.org', ' ', IDS)).toBeUndefined();
  });
});

describe('splitMentions', () => {
  it('splits text around mentions', () => {
    expect(splitMentions('hi @al:x.org, @bob:x.org and @al:x.org', IDS)).toEqual([
      { text: 'hi ' },
      { userId: '@al:x.org' },
      { text: ', @bob:x.org and ' },
      { userId: '@al:x.org' },
    ]);
    expect(splitMentions('none', IDS)).toEqual([{ text: 'none' }]);
  });
});
