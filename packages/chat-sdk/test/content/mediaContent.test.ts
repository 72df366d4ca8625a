import { describe, expect, it } from 'vitest';
import { isChatSdkError } from '../../src/ChatSdkError.js';
import { mediaContent } from '../../src/content/mediaContent.js';

describe('mediaContent', () => {
  it('builds an m.image with its info', () => {
    expect(
      mediaContent({
        kind: 'image',
        body: 'cat.png',
        url: 'mxc://example.org/abc',
        info: {
          mimetype: 'image/png',
          size: 1234,
          w: 640,
          h: 480,
          thumbnail_url: 'mxc://example.org/thumb',
          thumbnail_info: { mimetype: 'image/jpeg', size: 100, w: 64, h: 48 },
        },
      }),
    ).toEqual({
      msgtype: 'm.image',
      body: 'cat.png',
      url: 'mxc://example.org/abc',
      info: {
        mimetype: 'image/png',
        size: 1234,
        w: 640,
        h: 480,
        thumbnail_url: 'mxc://example.org/thumb',
        thumbnail_info: { mimetype: 'image/jpeg', size: 100, w: 64, h: 48 },
      },
      'm.mentions': {},
    });
  });

  it('maps each kind to its msgtype and copies only defined info fields', () => {
    const base = {
      body: 'f',
      url: 'mxc://example.org/abc',
      info: { mimetype: 'audio/ogg', size: 1, duration: 5000 },
    };
    expect(mediaContent({ ...base, kind: 'audio' })).toEqual({
      msgtype: 'm.audio',
      body: 'f',
      url: 'mxc://example.org/abc',
      info: { mimetype: 'audio/ogg', size: 1, duration: 5000 },
      'm.mentions': {},
    });
    expect(mediaContent({ ...base, kind: 'video' }).msgtype).toBe('m.video');
    expect(mediaContent({ ...base, kind: 'file' }).msgtype).toBe('m.file');
  });

  it.each([
    ['an http URL', { url: 'https://example.org/x.png' }],
    ['an unknown kind', { kind: 'sticker' }],
    ['an empty file name', { body: '' }],
    ['a negative size', { info: { mimetype: 'image/png', size: -1 } }],
    ['a fractional size', { info: { mimetype: 'image/png', size: 1.5 } }],
    ['no mimetype', { info: { mimetype: '', size: 1 } }],
    ['a non-mxc thumbnail', { info: { mimetype: 'image/png', size: 1, thumbnail_url: 'https://x.org/t' } }],
  ])('refuses %s', (_name, override) => {
    const input = {
      kind: 'image',
      body: 'f.png',
      url: 'mxc://example.org/abc',
      info: { mimetype: 'image/png', size: 1 },
    };
    try {
      mediaContent({ ...input, ...override } as Parameters<typeof mediaContent>[0]);
      expect.unreachable();
    } catch (error) {
      expect(isChatSdkError(error, 'CHAT_BAD_INPUT')).toBe(true);
    }
  });
});
