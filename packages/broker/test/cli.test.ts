import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

function capture() {
  const chunks: string[] = [];
  return {
    stream: { write: (chunk: string) => chunks.push(chunk) },
    text: () => chunks.join(''),
  };
}

describe('openmeet-broker CLI', () => {
  it('prints a non-exclusive, unthrottled appservice registration with fresh tokens', async () => {
    const out = capture();
    const err = capture();
    expect(
      await main(['appservice-registration', '--server-name', 'chat.example.org'], out.stream, err.stream),
    ).toBe(0);
    const registration = JSON.parse(out.text());
    expect(registration).toMatchObject({
      url: null,
      rate_limited: false,
      sender_localpart: 'openmeet-broker',
      namespaces: { users: [{ exclusive: false, regex: '@om_.*:chat\\.example\\.org' }] },
    });
    expect(registration.as_token).toMatch(/^[0-9a-f]{64}$/);
    expect(registration.hs_token).not.toBe(registration.as_token);
    expect(err.text()).toContain('MATRIX_AS_TOKEN');
  });

  it('needs a server name', async () => {
    const err = capture();
    expect(await main(['appservice-registration'], capture().stream, err.stream)).toBe(2);
    expect(err.text()).toContain('--server-name is required');
  });
});
