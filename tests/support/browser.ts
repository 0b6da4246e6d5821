// The browser for end-to-end tests (tests/e2e), the helper the tests import: Debian's Chromium (/usr/bin/chromium,
// or CHROMIUM=<path>; .ci/run installs it with apt-get) driven by playwright-core, which downloads no browser.
// Headless, --no-sandbox (CI runs as root).
//
// In a test file:
//
//   const browser = useBrowser();                       // one Chromium for the file, closed after it
//   it('...', async () => {
//     const { page, shot } = await browser.open(webApp, { viewport: 'phone', name: 'consumer' });
//     const principal = await login(page, freshUser('consumer'));
//     await shot('wallet');                              // tests/e2e/screenshots/consumer-phone-wallet.png
//   });
//
// Each `open` is a fresh context (no cookies, no storage: a new visitor) whose guard records every console error,
// uncaught page error, failed request and response with status >= 400, in the page and in the windows it opens (the
// Internet Identity window). After each test the guard's findings fail the test, listed; nothing is allowed
// silently. A test that failed also leaves a screenshot of where it stood (`<name>-<viewport>-failed.png`).
//
// The parts that need no vitest are in ./chromium.ts (re-exported here): launchBrowser, Guard, screenshot, login,
// navigate, freshUser, expectText / expectCount / expectValue / expectFitsWidth, VIEWPORTS.
import { afterAll, afterEach, beforeAll } from 'vitest';

import { type Browser, launchBrowser, type Opened, type OpenOptions, screenshot, Guard, STEP_MS, VIEWPORTS } from './chromium.js';

export * from './chromium.js';

/** A Chromium for the test file: launched before its tests, closed after them; `open` gives each test a fresh context. */
export function useBrowser(): { browser: () => Browser; open: (url: string, options?: OpenOptions) => Promise<Opened> } {
  let browser: Browser | undefined;
  let opened: (Opened & { name: string })[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterEach(async (context) => {
    const failed = context.task.result?.state === 'fail';
    const these = opened;
    opened = [];
    const problems: string[] = [];
    for (const o of these) {
      if (failed) {
        for (const page of o.context.pages()) {
          await screenshot(page, `${o.name}-${o.viewport}-failed${page === o.page ? '' : `-${o.context.pages().indexOf(page)}`}`).catch(
            () => {},
          );
        }
      }
      o.guard.stop();
      problems.push(...o.guard.problems);
      await o.context.close();
    }
    if (problems.length > 0) throw new Error(`The browser saw ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  });

  afterAll(async () => {
    await browser?.close();
  });

  return {
    browser: () => {
      if (!browser) throw new Error('the browser is launched in beforeAll: call browser() inside a test');
      return browser;
    },
    open: async (url, { viewport = 'desktop', name = 'page' } = {}) => {
      if (!browser) throw new Error('the browser is launched in beforeAll: call open() inside a test');
      const context = await browser.newContext({ ...VIEWPORTS[viewport], acceptDownloads: true });
      context.setDefaultTimeout(STEP_MS);
      const guard = new Guard(context);
      const page = await context.newPage();
      const o = { context, page, guard, viewport, name, shot: (step: string) => screenshot(page, `${name}-${viewport}-${step}`) };
      opened.push(o);
      await page.goto(url);
      return o;
    },
  };
}
