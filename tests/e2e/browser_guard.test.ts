// The browser helper's guard (tests/support/browser.ts) catches what the end-to-end tests rely on it to catch: a
// console error, an uncaught page error, a response with an error status and a request that never got an answer,
// in the page and in a window it opens, and lists them all. Against a small page of its own, not the web app.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { freePort } from '../support/npm_start';
import { type Browser, Guard, launchBrowser } from '../support/browser';

const PAGE = (closedPort: number) => `<!doctype html><html><body><p>guarded</p><script>
  console.error('something broke');
  fetch('/missing');
  fetch('http://127.0.0.1:${closedPort}/nobody-listens').catch(() => {});
  setTimeout(() => { throw new Error('uncaught in the page'); }, 0);
</script></body></html>`;
const POPUP = `<!doctype html><html><body><script>console.error('broken in the popup');</script></body></html>`;

describe('the browser guard', () => {
  let server: Server;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    const closedPort = await freePort();
    server = createServer((request, response) => {
      if (request.url === '/') response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE(closedPort));
      else if (request.url === '/popup') response.writeHead(200, { 'content-type': 'text/html' }).end(POPUP);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('records console errors, page errors, HTTP errors and failed requests, popups included, and fails listing them', async () => {
    const context = await browser.newContext();
    const guard = new Guard(context);
    const page = await context.newPage();
    await page.goto(`${url}/`);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.evaluate(() => void window.open('/popup'))]);
    await popup.waitForLoadState();
    await expect.poll(() => guard.problems.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    guard.stop();
    await context.close();

    const all = guard.problems.join('\n');
    expect(all).toContain('console error: something broke');
    expect(all).toContain('console error: broken in the popup');
    expect(all).toContain('page error: Error: uncaught in the page');
    expect(all).toMatch(/HTTP 404: GET http:\/\/127\.0\.0\.1:\d+\/missing/);
    expect(all).toMatch(/request failed: GET http:\/\/127\.0\.0\.1:\d+\/nobody-listens: net::ERR_CONNECTION_REFUSED/);
    // The failed fetch also shows in the console ("Failed to load resource"), as a person debugging would see it.
    expect(() => guard.check()).toThrow(/The browser saw \d+ problem\(s\):\n- /);
  });

  it('passes a quiet page, and stops recording when told (a context closing aborts its requests on purpose)', async () => {
    const context = await browser.newContext();
    const guard = new Guard(context);
    const page = await context.newPage();
    await page.setContent('<p>quiet</p>');
    expect(() => guard.check()).not.toThrow();
    guard.stop();
    await page.evaluate(() => console.error('after the end'));
    await context.close();
    expect(guard.problems).toEqual([]);
  });
});
