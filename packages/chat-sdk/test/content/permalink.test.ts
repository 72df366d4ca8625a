import { describe, expect, it } from 'vitest';
import { mentionPill } from '../../src/content/mentionPill.js';
import { permalink } from '../../src/content/permalink.js';

describe('permalink', () => {
  it('links users, rooms and aliases, encoding what a fragment cannot hold', () => {
    expect(permalink('@alice:example.org')).toBe('https://matrix.to/#/@alice:example.org');
    expect(permalink('!room:example.org')).toBe('https://matrix.to/#/!room:example.org');
    expect(permalink('#chat:example.org')).toBe('https://matrix.to/#/%23chat:example.org');
    expect(permalink('@we/ird?#x:example.org')).toBe('https://matrix.to/#/@we%2Fird%3F%23x:example.org');
  });

  it('links events, with via servers', () => {
    expect(
      permalink({ roomId: '!room:example.org', eventId: '$a/b+c', via: ['example.org', 'other.example'] }),
    ).toBe('https://matrix.to/#/!room:example.org/$a%2Fb%2Bc?via=example.org&via=other.example');
    expect(permalink({ roomId: '#chat:example.org' })).toBe('https://matrix.to/#/%23chat:example.org');
  });

  it('refuses anything that is not a Matrix ID', () => {
    expect(() => permalink('alice')).toThrow(/room ID/);
    expect(() => permalink('@alice')).toThrow(/user ID/);
    expect(() => permalink({ roomId: '!r:example.org', eventId: 'e' })).toThrow(/event ID/);
  });
});

describe('mentionPill', () => {
  it('links the user with the display name as text, escaped', () => {
    expect(mentionPill('@alice:example.org', 'Alice <3')).toBe(
      '<a href="https://matrix.to/#/@alice:example.org">Alice &lt;3</a>',
    );
    expect(mentionPill('@alice:example.org')).toBe(
      '<a href="https://matrix.to/#/@alice:example.org">@alice:example.org</a>',
    );
  });
});
