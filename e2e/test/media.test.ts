import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatPage } from './support/ChatPage.js';
import { isNear, png, type Rgb, shownImage } from './support/media.js';
import { type E2eBed, startE2eBed } from './support/startE2eBed.js';

const RED: Rgb = [220, 40, 40];
const BLUE: Rgb = [30, 60, 200];
/** Wider than tall, red on the left and blue on the right: the other side must show this very picture. */
const PICTURE = png(160, 100, (x) => (x < 80 ? RED : BLUE));
/** Where to look in it: the middle of each half. */
const HALVES = [
  [0.25, 0.5],
  [0.75, 0.5],
] as const;

let bed: E2eBed;
let alice: ChatPage;
let bob: ChatPage;
/** A web page with OpenGraph tags, on loopback, for Synapse's link previews. */
let site: Server;
let siteUrl: string;

beforeAll(async () => {
  site = createServer((request, response) => {
    if (request.url === '/trail') {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(
        '<!doctype html><html><head><title>Trail</title>' +
          '<meta property="og:title" content="The summit trail">' +
          '<meta property="og:description" content="Six hours up from the car park">' +
          `<meta property="og:image" content="${siteUrl}/trail.png">` +
          '</head><body><h1>The summit trail</h1></body></html>',
      );
    } else if (request.url === '/trail.png') {
      response.setHeader('content-type', 'image/png');
      response.end(PICTURE);
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

  bed = await startE2eBed({
    users: ['alice', 'bob'],
    // Synapse refuses to preview loopback addresses by default, rightly; the test page lives there.
    synapseConfig: {
      url_preview_enabled: true,
      url_preview_ip_range_blacklist: ['10.0.0.0/8'],
      url_preview_ip_range_whitelist: ['127.0.0.1'],
    },
  });
  await bed.seed(['alice', 'bob']);
  [alice, bob] = await Promise.all([bed.signIn('alice'), bed.signIn('bob')]);
  await Promise.all([alice.composer.waitFor(), bob.composer.waitFor()]);
});

afterAll(async () => {
  await bed?.stop();
  site?.close();
});

describe('pictures and links in the group room', () => {
  it('sends a picture with the attach button; the other person sees it, loaded from authenticated media', async () => {
    const chooser = alice.page.waitForEvent('filechooser');
    await alice.page.getByRole('button', { name: 'Attach a file' }).click();
    await (await chooser).setFiles({ name: 'trail-map.png', mimeType: 'image/png', buffer: PICTURE });

    // Its alt text is the file name; its box comes from the size alice's browser measured.
    const image = bob.timeline.getByRole('img', { name: 'trail-map.png', exact: true });
    const shown = await shownImage(image, HALVES);
    // Media needs the access token, which an <img> cannot send: the SDK fetches it and hands over a blob.
    expect(shown.src).toMatch(/^blob:/);
    expect(shown.naturalWidth).toBeGreaterThan(0);
    expect(shown.naturalWidth / shown.naturalHeight).toBeCloseTo(1.6, 1);
    expect({ width: shown.width, height: shown.height }).toEqual({ width: 160, height: 100 });
    expect(isNear(shown.colours[0], RED), `left half is ${shown.colours[0]}`).toBe(true);
    expect(isNear(shown.colours[1], BLUE), `right half is ${shown.colours[1]}`).toBe(true);
    const article = bob.timeline.locator('article', {
      has: bob.page.getByRole('img', { name: 'trail-map.png', exact: true }),
    });
    // The sender's name is in the header even when it is only there for screen readers (grouped).
    expect(await article.locator('.om-message__sender').textContent()).toBe('Alice');
    await bob.screenshot('image-bob');

    const own = await shownImage(alice.timeline.getByRole('img', { name: 'trail-map.png', exact: true }));
    expect(own.naturalWidth).toBeGreaterThan(0);
    // The upload is done: no progress bar is left in the composer.
    expect(await alice.page.getByRole('progressbar').count()).toBe(0);
    await alice.screenshot('image-alice');
  });

  it('shows a preview card of a link, which the homeserver made from the page', async () => {
    const url = `${siteUrl}/trail`;
    await alice.send(`Route for Saturday: ${url}`);
    const message = bob.message('Route for Saturday');

    const card = message.getByRole('link', { name: /The summit trail/ });
    await card.waitFor({ timeout: 60_000 });
    await card.getByText('Six hours up from the car park').waitFor();
    expect(await card.getAttribute('href')).toBe(url);
    expect(await card.getAttribute('target')).toBe('_blank');
    expect((await card.getAttribute('rel'))?.split(/\s+/)).toContain('noopener');
    // og:image, fetched by Synapse into its media repository and shown from there.
    const picture = await shownImage(card.locator('img'), HALVES);
    expect(picture.src).toMatch(/^blob:/);
    expect(isNear(picture.colours[0], RED), `left half is ${picture.colours[0]}`).toBe(true);
    expect(isNear(picture.colours[1], BLUE), `right half is ${picture.colours[1]}`).toBe(true);

    // The URL in the text is a link too, which gives the opened page no handle on this one.
    const link = message.getByRole('link', { name: url, exact: true });
    expect(await link.getAttribute('href')).toBe(url);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect((await link.getAttribute('rel'))?.split(/\s+/)).toEqual(
      expect.arrayContaining(['noopener', 'noreferrer']),
    );
    await bob.screenshot('link-preview-bob');
  });
});
