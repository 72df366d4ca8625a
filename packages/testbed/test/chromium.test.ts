import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../src/index.js';

describe('Chromium', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        '<!doctype html><title>testbed</title><button onclick="this.textContent=\'clicked\'">click</button>',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('opens a localhost page headless through playwright-core and runs its script', async () => {
    const browser = await chromium.launch(chromiumLaunchOptions());
    try {
      const page = await browser.newPage();
      await page.goto(url);
      expect(await page.title()).toBe('testbed');
      await page.getByRole('button').click();
      expect(await page.getByRole('button').textContent()).toBe('clicked');
    } finally {
      await browser.close();
    }
  });

  it('names the missing binary instead of failing obscurely', () => {
    expect(() => chromiumLaunchOptions({ CHROMIUM_PATH: '/nonexistent/chromium' })).toThrow(
      expect.objectContaining({ code: 'TESTBED_CHROMIUM_MISSING' }),
    );
  });
});
