import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestbed, type Testbed } from '../src/index.js';
import { matrix } from './helpers.js';

/** Synapse's default `rc_login.failed_attempts` allows a burst of 3; the fourth wrong password is throttled. */
async function failedLogins(testbed: Testbed, attempts: number) {
  const statuses: number[] = [];
  let retryAfterMs: number | undefined;
  for (let i = 0; i < attempts; i++) {
    const response = await matrix<{ retry_after_ms?: number }>(
      testbed.homeserverUrl,
      '/_matrix/client/v3/login',
      {
        body: {
          type: 'm.login.password',
          identifier: { type: 'm.id.user', user: 'admin' },
          password: 'wrong',
        },
      },
    );
    statuses.push(response.status);
    retryAfterMs ??= response.body.retry_after_ms;
  }
  return { statuses, retryAfterMs };
}

describe('rate-limit profiles', () => {
  let defaults: Testbed;
  let relaxed: Testbed;
  beforeAll(async () => {
    [defaults, relaxed] = await Promise.all([startTestbed({ rateLimits: 'default' }), startTestbed()]);
  });
  afterAll(() => Promise.all([defaults?.stop(), relaxed?.stop()]));

  it('default keeps Synapse limits: repeated failures get 429 with retry_after_ms', async () => {
    const { statuses, retryAfterMs } = await failedLogins(defaults, 6);
    expect(statuses.slice(0, 3)).toEqual([403, 403, 403]);
    expect(statuses).toContain(429);
    expect(retryAfterMs).toBeGreaterThan(0);
  });

  it('relaxed raises them: the same failures are never throttled', async () => {
    const { statuses } = await failedLogins(relaxed, 6);
    expect(statuses).toEqual([403, 403, 403, 403, 403, 403]);
  });
});

describe('application services', () => {
  let testbed: Testbed;
  const asToken = 'as-token-for-tests-0123456789';
  beforeAll(async () => {
    testbed = await startTestbed({
      appServices: [
        {
          id: 'openmeet-broker',
          url: null,
          as_token: asToken,
          hs_token: 'hs-token-for-tests-0123456789',
          sender_localpart: 'openmeet-bot',
          namespaces: { users: [{ exclusive: true, regex: '@openmeet_.*:localhost' }] },
          rate_limited: false,
        },
      ],
    });
  });
  afterAll(() => testbed?.stop());

  it('installs the registration so its as_token authenticates the sender', async () => {
    const whoami = await matrix<{ user_id: string }>(
      testbed.homeserverUrl,
      '/_matrix/client/v3/account/whoami',
      {
        token: asToken,
      },
    );
    expect(whoami.status).toBe(200);
    expect(whoami.body.user_id).toBe('@openmeet-bot:localhost');
  });

  it('lets the appservice register users in its exclusive namespace', async () => {
    const register = await matrix<{ user_id: string }>(testbed.homeserverUrl, '/_matrix/client/v3/register', {
      token: asToken,
      body: { type: 'm.login.application_service', username: 'openmeet_alice' },
    });
    expect(register.status).toBe(200);
    expect(register.body.user_id).toBe('@openmeet_alice:localhost');
  });
});
