import { describe, expect, it } from 'vitest';
import { AliasPattern } from '../../src/rooms/AliasPattern.js';

describe('AliasPattern', () => {
  const aliases = new AliasPattern({ serverName: 'chat.example.org' });

  it('builds #<prefix>-<kind>-<slug>:<server> by default', () => {
    expect(aliases.aliasFor('group', 'hikers')).toBe('#om-group-hikers:chat.example.org');
    expect(aliases.aliasFor('event', 'hikers')).toBe('#om-event-hikers:chat.example.org');
  });

  it('encodes slugs injectively, so different slugs never share an alias', () => {
    const slugs = ['Hikers', 'hikers', '_hikers', 'hik ers', 'hik:ers', 'hikérs', '=3a'];
    const built = slugs.map((slug) => aliases.aliasFor('group', slug));
    expect(new Set(built).size).toBe(slugs.length);
    for (const alias of built) expect(alias).toMatch(/^#om-group-[a-z0-9._=-]+:chat\.example\.org$/);
  });

  it('follows a configured pattern and prefix', () => {
    const custom = new AliasPattern({
      serverName: 'x.org',
      prefix: 'meet',
      pattern: '{prefix}-{slug}.{kind}',
    });
    expect(custom.aliasFor('event', 'party')).toBe('#meet-party.event:x.org');
    expect(custom.owns('#meet-party.event:x.org')).toBe(true);
    expect(custom.owns('#om-party.event:x.org')).toBe(false);
    expect(custom.owns('#meet-party.event:other.org')).toBe(false);
  });

  it('refuses patterns outside the namespace or without kind and slug', () => {
    for (const pattern of ['{kind}-{slug}', '{prefix}-{slug}', '{prefix}-{kind}', '{prefix}-{kind}:{slug}']) {
      expect(() => new AliasPattern({ serverName: 'x.org', pattern })).toThrow(TypeError);
    }
    expect(() => new AliasPattern({ serverName: 'x.org', prefix: 'OM' })).toThrow(TypeError);
  });

  it('rejects empty and oversized slugs as bad requests', () => {
    expect(() => aliases.aliasFor('group', '')).toThrow(expect.objectContaining({ code: 'OM_BAD_REQUEST' }));
    expect(() => aliases.aliasFor('group', 'a'.repeat(250))).toThrow(
      expect.objectContaining({ code: 'OM_BAD_REQUEST' }),
    );
  });
});
