import { describe, expect, it } from 'vitest';
import { isMxcUrl } from '../../src/content/isMxcUrl.js';

describe('isMxcUrl', () => {
  it.each([
    'mxc://example.org/abcDEF123_-',
    'mxc://matrix.example.org:8448/abc',
    'mxc://127.0.0.1/abc',
    'mxc://[::1]:8448/abc',
    `mxc://${'a'.repeat(255)}/abc`,
  ])('accepts %s', (url) => {
    expect(isMxcUrl(url)).toBe(true);
  });

  it.each([
    'https://example.org/abc',
    'mxc://example.org',
    'mxc://example.org/',
    'mxc://example.org/abc/def',
    'mxc://example.org/a.b',
    'mxc://exa mple.org/abc',
    'mxc:///abc',
    'MXC://example.org/abc',
    'mxc://example.org/abc?x=1',
    'mxc://example.org/abc"onerror="x',
    'mxc://../abc',
    'mxc://./abc',
    'mxc://example..org/abc',
    'mxc://.example.org/abc',
    'mxc://example.org/../abc',
    `mxc://${'a'.repeat(256)}/abc`,
    42,
    undefined,
  ])('refuses %s', (url) => {
    expect(isMxcUrl(url)).toBe(false);
  });
});
