import { INLINE_CONFIG_ID, serveExample } from '@openmeet/examples/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A value that would end the element and run a script if it were pasted into the page as is.
const hostile = 'http://127.0.0.1:1/</script><script>alert(1)</script>';

describe('the example server', () => {
  let server: Awaited<ReturnType<typeof serveExample>>;
  beforeAll(async () => {
    server = await serveExample({ config: () => ({ brokerUrl: hostile, users: ['alice'] }) });
  });
  afterAll(() => server.close());

  it('puts the runtime config in the page, as inert JSON the page cannot be broken out of', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    const element = new RegExp(
      `<script id="${INLINE_CONFIG_ID}" type="application/json">(.*?)</script>`,
      's',
    );
    const match = element.exec(html);
    expect(match).not.toBeNull();
    expect(JSON.parse(match?.[1] ?? '')).toEqual({ brokerUrl: hostile, users: ['alice'] });
    expect(html).not.toContain('<script>alert(1)');
    expect(html.match(/<script/g)).toHaveLength(2);
  });

  it('still serves /config.json (for the Vite dev server path) and the app at unknown paths', async () => {
    const config = await (await fetch(`${server.url}/config.json`)).json();
    expect(config).toEqual({ brokerUrl: hostile, users: ['alice'] });
    const fallback = await (await fetch(`${server.url}/no/such/page`)).text();
    expect(fallback).toContain(`id="${INLINE_CONFIG_ID}"`);
  });
});
