import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerError } from '../../src/errors.js';
import { type FetchAvatarOptions, fetchAvatar } from '../../src/provisioning/fetchAvatar.js';
import { type AvatarServer, servePng, startAvatarServer, tinyPng } from './avatarServer.js';

const PNG = tinyPng(255, 0, 0);
const LOCAL: FetchAvatarOptions = { allowPrivateNetworks: true };

async function rejection(url: string, options?: FetchAvatarOptions): Promise<BrokerError> {
  const error = await fetchAvatar(url, options).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(BrokerError);
  expect((error as BrokerError).code).toBe('OM_AVATAR_REJECTED');
  return error as BrokerError;
}

describe('fetchAvatar', () => {
  let server: AvatarServer;

  beforeAll(async () => {
    server = await startAvatarServer();
    server.route('/a.png', servePng(PNG));
    server.route('/octet.png', servePng(PNG, 'application/octet-stream'));
    server.route('/fake.png', servePng(Buffer.from('<html>definitely not a png</html>')));
    server.route('/page.html', servePng(PNG, 'text/html'));
    server.route('/svg', servePng(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml'));
    server.route('/big-declared.png', servePng(Buffer.concat([PNG, Buffer.alloc(4096)])));
    server.route('/endless.png', (_request, response) => {
      // No Content-Length: only counting while streaming can stop this.
      response.writeHead(200, { 'content-type': 'image/png' });
      response.write(PNG);
      const timer = setInterval(() => response.write(Buffer.alloc(64 * 1024)), 1);
      response.on('close', () => clearInterval(timer));
    });
    server.route('/hang.png', () => {
      // Never answers.
    });
    const redirect =
      (location: string, status = 302): Parameters<AvatarServer['route']>[1] =>
      (_request, response) =>
        response.writeHead(status, { location }).end();
    server.route('/redirect', redirect('/a.png'));
    server.route('/redirect-301-absolute', redirect(server.url('/a.png'), 301));
    server.route('/loop', redirect('/loop'));
    server.route('/to-file', redirect('file:///etc/passwd'));
    server.route('/to-credentials', redirect(`http://user:pass@127.0.0.1:${server.port}/a.png`));
    server.route('/no-location', (_request, response) => response.writeHead(302).end());
  });
  afterAll(() => server?.close());

  it('refuses 127.0.0.1 by default (loopback) without sending a request', async () => {
    const error = await rejection(server.url('/a.png'));
    expect(error.message).toMatch(/127\.0\.0\.1 is not a public address/);
    expect(server.hits('/a.png')).toBe(0);
  });

  it('downloads a real PNG when private networks are allowed', async () => {
    const avatar = await fetchAvatar(server.url('/a.png'), LOCAL);
    expect(Buffer.from(avatar.bytes).equals(PNG)).toBe(true);
    expect(avatar.contentType).toBe('image/png');
    expect(avatar.sha256).toBe(createHash('sha256').update(PNG).digest('hex'));
  });

  it('trusts the magic bytes, not the declared type: application/octet-stream with PNG bytes is a PNG', async () => {
    expect((await fetchAvatar(server.url('/octet.png'), LOCAL)).contentType).toBe('image/png');
  });

  it('rejects wrong magic bytes served as image/png', async () => {
    const error = await rejection(server.url('/fake.png'), LOCAL);
    expect(error.message).toMatch(/not a PNG, JPEG, GIF or WebP image/);
  });

  it('rejects non-image content types, SVG included, before reading the body', async () => {
    expect((await rejection(server.url('/page.html'), LOCAL)).message).toMatch(/serves text\/html/);
    expect((await rejection(server.url('/svg'), LOCAL)).message).toMatch(/serves image\/svg\+xml/);
  });

  it('rejects a body over maxBytes, declared by Content-Length', async () => {
    const error = await rejection(server.url('/big-declared.png'), { ...LOCAL, maxBytes: 1024 });
    expect(error.message).toMatch(/larger than 1024 bytes/);
    // The same file fits under the default 1 MiB.
    expect((await fetchAvatar(server.url('/big-declared.png'), LOCAL)).bytes.length).toBe(PNG.length + 4096);
  });

  it('aborts an endless body while streaming once it passes maxBytes', async () => {
    const started = performance.now();
    const error = await rejection(server.url('/endless.png'), { ...LOCAL, maxBytes: 256 * 1024 });
    expect(error.message).toMatch(/larger than 262144 bytes/);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('gives up after timeoutMs', async () => {
    const started = performance.now();
    const error = await rejection(server.url('/hang.png'), { ...LOCAL, timeoutMs: 300 });
    expect(error.message).toMatch(/took longer than 300 ms/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('rejects a non-200 answer without quoting the path or query (they may carry tokens)', async () => {
    const error = await rejection(server.url('/missing/secret-path.png?access_token=s3cret'), LOCAL);
    expect(error.message).toBe(`Avatar from http://127.0.0.1:${server.port} answered 404`);
    expect(error.message).not.toMatch(/s3cret|secret-path/);
  });

  it('follows up to maxRedirects redirects (default 3), relative and absolute', async () => {
    expect(Buffer.from((await fetchAvatar(server.url('/redirect'), LOCAL)).bytes).equals(PNG)).toBe(true);
    const avatar = await fetchAvatar(server.url('/redirect-301-absolute'), LOCAL);
    expect(avatar.contentType).toBe('image/png');
  });

  it('refuses a redirect when maxRedirects is 0, and stops a redirect loop', async () => {
    const none = await rejection(server.url('/redirect'), { ...LOCAL, maxRedirects: 0 });
    expect(none.message).toMatch(/redirected more than 0 times/);
    const hitsBefore = server.hits('/loop');
    const loop = await rejection(server.url('/loop'), LOCAL);
    expect(loop.message).toMatch(/redirected more than 3 times/);
    expect(server.hits('/loop') - hitsBefore).toBe(4);
    expect((await rejection(server.url('/no-location'), LOCAL)).message).toMatch(/without a Location/);
  });

  it('checks every redirect hop like the first URL: scheme and credentials', async () => {
    expect((await rejection(server.url('/to-file'), LOCAL)).message).toMatch(/scheme file: is not allowed/);
    expect((await rejection(server.url('/to-credentials'), LOCAL)).message).toMatch(
      /must not carry credentials/,
    );
  });

  it('accepts only http and https URLs without credentials', async () => {
    const hitsBefore = server.hits('/a.png');
    expect((await rejection('file:///etc/passwd', LOCAL)).message).toMatch(/scheme file:/);
    expect((await rejection('ftp://example.org/a.png', LOCAL)).message).toMatch(/scheme ftp:/);
    expect((await rejection('data:image/png;base64,iVBORw0KGgo=', LOCAL)).message).toMatch(/scheme data:/);
    const credentials = await rejection(`http://user:pass@127.0.0.1:${server.port}/a.png`, LOCAL);
    expect(credentials.message).toMatch(/must not carry credentials/);
    expect(credentials.message).not.toMatch(/pass/);
    expect((await rejection('not a url')).message).toMatch(/not a valid URL/);
    expect(server.hits('/a.png')).toBe(hitsBefore);
  });

  it('rejects a host name that resolves to a private address (localhost)', async () => {
    const error = await rejection(`http://localhost:${server.port}/a.png`);
    expect(error.message).toMatch(/localhost resolves to a non-public address/);
  });

  it('rejects IP literals in every spelling of loopback', async () => {
    const hitsBefore = server.hits('/a.png');
    for (const host of ['[::1]', '[::ffff:127.0.0.1]', '2130706433', '0x7f.1', '0']) {
      expect((await rejection(`http://${host}:${server.port}/a.png`)).message).toMatch(
        /not a public address/,
      );
    }
    expect(server.hits('/a.png')).toBe(hitsBefore);
  });

  it('checks the addresses it actually connects to: a resolver answer is validated at connect time', async () => {
    const lookups: string[] = [];
    const resolveTo =
      (...addresses: string[]) =>
      async (hostname: string) => {
        lookups.push(hostname);
        return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      };
    const url = `http://avatars.example.test:${server.port}/a.png`;
    const hitsBefore = server.hits('/a.png');

    // A public-looking name rebound to loopback is refused, and so is a mix of public and private.
    expect((await rejection(url, { resolve: resolveTo('127.0.0.1') })).message).toMatch(
      /avatars\.example\.test resolves to a non-public address/,
    );
    expect((await rejection(url, { resolve: resolveTo('8.8.8.8', '10.0.0.7') })).message).toMatch(
      /non-public/,
    );
    expect(server.hits('/a.png')).toBe(hitsBefore);

    // The connection goes to the address the guarded lookup returned, not to a second resolution.
    const avatar = await fetchAvatar(url, { ...LOCAL, resolve: resolveTo('127.0.0.1') });
    expect(Buffer.from(avatar.bytes).equals(PNG)).toBe(true);
    expect(lookups).toEqual(['avatars.example.test', 'avatars.example.test', 'avatars.example.test']);
    expect(server.hits('/a.png')).toBe(hitsBefore + 1);
  });
});
