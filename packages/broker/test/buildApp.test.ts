import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/buildApp.js';

describe('buildApp', () => {
  const app = buildApp({ logLevel: 'silent' });
  afterAll(() => app.close());

  it('reports liveness on /healthz', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers unknown routes with 404', async () => {
    const response = await app.inject({ method: 'GET', url: '/nope' });
    expect(response.statusCode).toBe(404);
  });
});
