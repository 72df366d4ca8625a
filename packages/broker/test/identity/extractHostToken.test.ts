import { describe, expect, it } from 'vitest';
import { BrokerError } from '../../src/errors.js';
import { extractHostToken } from '../../src/identity/index.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof BrokerError ? error.code : 'not a BrokerError';
  }
  return undefined;
}

describe('extractHostToken', () => {
  it.each([['Bearer abc.def.ghi'], ['bearer abc.def.ghi'], ['BEARER   abc.def.ghi  ']])(
    'reads the token from "%s"',
    (authorization) => {
      expect(extractHostToken({ authorization }, undefined, undefined)).toBe('abc.def.ghi');
    },
  );

  it('prefers the Authorization header over the cookie', () => {
    expect(
      extractHostToken({ authorization: 'Bearer from-header' }, { session: 'from-cookie' }, 'session'),
    ).toBe('from-header');
  });

  it('falls back to the configured cookie', () => {
    expect(extractHostToken({}, { session: 'from-cookie', other: 'x' }, 'session')).toBe('from-cookie');
    expect(extractHostToken({ authorization: '' }, { session: 'from-cookie' }, 'session')).toBe(
      'from-cookie',
    );
  });

  it.each([
    ['no header and no cookie name', {}, { session: 'x' }, undefined],
    ['no header and no cookies', {}, undefined, 'session'],
    ['an empty cookie', {}, { session: '' }, 'session'],
    ['another cookie only', {}, { other: 'x' }, 'session'],
    ['a Bearer scheme without token', { authorization: 'Bearer ' }, undefined, undefined],
  ])('answers OM_AUTH_MISSING for %s', (_name, headers, cookies, cookieName) => {
    expect(codeOf(() => extractHostToken(headers, cookies, cookieName))).toBe('OM_AUTH_MISSING');
  });

  it.each([['Basic dXNlcjpwYXNz'], ['Token abc'], ['abc.def.ghi'], ['Bearer two tokens']])(
    'answers OM_AUTH_MALFORMED for "%s" even with a cookie',
    (authorization) => {
      expect(codeOf(() => extractHostToken({ authorization }, { session: 'c' }, 'session'))).toBe(
        'OM_AUTH_MALFORMED',
      );
    },
  );

  it('answers OM_AUTH_MALFORMED for repeated Authorization headers', () => {
    expect(
      codeOf(() => extractHostToken({ authorization: ['Bearer a', 'Bearer b'] }, undefined, undefined)),
    ).toBe('OM_AUTH_MALFORMED');
  });
});
