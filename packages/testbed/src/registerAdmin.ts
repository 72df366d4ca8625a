import { createHmac } from 'node:crypto';
import { TestbedError } from './TestbedError.js';

export interface RegisteredUser {
  userId: string;
  accessToken: string;
  deviceId: string;
}

export interface RegisterWithSharedSecretOptions {
  homeserverUrl: string;
  sharedSecret: string;
  username: string;
  password: string;
  admin: boolean;
  displayName?: string;
}

/**
 * Registers a user through Synapse's shared-secret endpoint: fetch a nonce, then prove knowledge
 * of the secret with HMAC-SHA1 over `nonce \0 user \0 password \0 admin|notadmin`.
 */
export async function registerWithSharedSecret(
  options: RegisterWithSharedSecretOptions,
): Promise<RegisteredUser> {
  const url = new URL('/_synapse/admin/v1/register', options.homeserverUrl);
  const nonceResponse = await fetch(url);
  if (!nonceResponse.ok) {
    throw new TestbedError(
      'TESTBED_ADMIN_BOOTSTRAP_FAILED',
      `GET ${url.pathname} answered ${nonceResponse.status}: ${await nonceResponse.text()}`,
    );
  }
  const { nonce } = (await nonceResponse.json()) as { nonce: string };
  const mac = createHmac('sha1', options.sharedSecret)
    .update(nonce)
    .update('\0')
    .update(options.username)
    .update('\0')
    .update(options.password)
    .update('\0')
    .update(options.admin ? 'admin' : 'notadmin')
    .digest('hex');
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      nonce,
      username: options.username,
      password: options.password,
      admin: options.admin,
      displayname: options.displayName,
      mac,
    }),
  });
  if (!response.ok) {
    throw new TestbedError(
      'TESTBED_ADMIN_BOOTSTRAP_FAILED',
      `POST ${url.pathname} answered ${response.status}: ${await response.text()}`,
    );
  }
  const body = (await response.json()) as { user_id: string; access_token: string; device_id: string };
  return { userId: body.user_id, accessToken: body.access_token, deviceId: body.device_id };
}
