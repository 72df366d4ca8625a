import { describe, expect, it } from 'vitest';
import { signWebhook, WebhookVerifier, webhookSignature } from '../../src/membership/index.js';
import { MemoryStore } from '../../src/store/index.js';

const SECRET = 's'.repeat(40);
const NOW = 1_750_000_000_000;

function verifier(now = () => NOW, store = new MemoryStore()) {
  return new WebhookVerifier({ secret: () => SECRET, store, toleranceSeconds: 300, now });
}

function signed(body: string, timestamp = NOW / 1000, secret = SECRET) {
  const headers = signWebhook(secret, body, timestamp);
  return {
    timestamp: headers['x-openmeet-timestamp'],
    signature: headers['x-openmeet-signature'],
    body: Buffer.from(body),
  };
}

describe('WebhookVerifier', () => {
  it('accepts an HMAC-SHA256 over "<timestamp>.<raw body>" once', async () => {
    const v = verifier();
    const request = signed('{"events":[]}');
    expect(request.signature).toBe(
      `v1=${webhookSignature(SECRET, String(NOW / 1000), '{"events":[]}').toString('hex')}`,
    );
    await expect(v.verify(request)).resolves.toBeUndefined();
    await expect(v.verify(request)).rejects.toMatchObject({ code: 'OM_WEBHOOK_REPLAY', statusCode: 401 });
  });

  it('refuses a missing, malformed or wrong signature, and a body changed after signing', async () => {
    const v = verifier();
    const good = signed('{"a":1}');
    for (const request of [
      { ...good, signature: undefined },
      { ...good, timestamp: undefined },
      { ...good, timestamp: '12.5' },
      { ...good, signature: good.signature.replace('v1=', 'v0=') },
      { ...good, signature: good.signature.slice(0, -2) },
      signed('{"a":1}', NOW / 1000, 'x'.repeat(40)),
      { ...good, body: Buffer.from('{"a":2}') },
      { ...good, body: Buffer.from('{"a": 1}') },
      // The signature is bound to its timestamp.
      { ...good, timestamp: String(NOW / 1000 + 1) },
    ]) {
      await expect(v.verify(request)).rejects.toMatchObject({ code: 'OM_WEBHOOK_SIGNATURE' });
    }
    // None of the refusals used up the genuine request.
    await expect(v.verify(good)).resolves.toBeUndefined();
  });

  it('refuses timestamps outside the tolerance either way, after checking the signature', async () => {
    const v = verifier();
    await expect(v.verify(signed('{}', NOW / 1000 - 301))).rejects.toMatchObject({
      code: 'OM_WEBHOOK_STALE',
    });
    await expect(v.verify(signed('{}', NOW / 1000 + 301))).rejects.toMatchObject({
      code: 'OM_WEBHOOK_STALE',
    });
    await expect(v.verify(signed('{}', NOW / 1000 - 300))).resolves.toBeUndefined();
    const forged = { ...signed('{}', NOW / 1000 - 3600), signature: `v1=${'0'.repeat(64)}` };
    await expect(v.verify(forged)).rejects.toMatchObject({ code: 'OM_WEBHOOK_SIGNATURE' });
  });

  it('accepts one matching signature among several (secret rotation on the host side)', async () => {
    const v = verifier();
    const request = signed('{"b":true}');
    const old = signed('{"b":true}', NOW / 1000, 'o'.repeat(40)).signature;
    await expect(
      v.verify({ ...request, signature: `${old}, ${request.signature}` }),
    ).resolves.toBeUndefined();
  });

  it('remembers a signature until its timestamp is stale, across brokers sharing the store', async () => {
    let now = NOW;
    const store = new MemoryStore();
    const a = verifier(() => now, store);
    const b = verifier(() => now, store);
    const request = signed('{"c":1}', NOW / 1000 + 200);
    await a.verify(request);
    now = NOW + 499_000;
    await expect(b.verify(request)).rejects.toMatchObject({ code: 'OM_WEBHOOK_REPLAY' });
    now = NOW + 502_000;
    await expect(b.verify(request)).rejects.toMatchObject({ code: 'OM_WEBHOOK_STALE' });
    await store.close();
  });
});
