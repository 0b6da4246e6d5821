// The browser for end-to-end tests, without vitest (scripts and benchmarks may use it too): Debian's Chromium
// (/usr/bin/chromium, or CHROMIUM=<path>; .ci/run installs it with apt-get) driven by playwright-core, which
// downloads no browser; headless, --no-sandbox (CI runs as root). A guard that collects what goes wrong in a
// context, screenshots, the dev Internet Identity login, navigation and a few waiting assertions. Tests import
// ./browser.ts, which adds useBrowser() and re-exports all of this.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

import { ROOT } from './npm_start.js';

export type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Where screenshots go (gitignored). */
export const SCREENSHOTS = join(ROOT, 'tests/e2e/screenshots');

/** Viewports: a phone (iPhone 12-15 CSS size, touch) and a desktop. */
export const VIEWPORTS = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  desktop: { viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

/** How long a step waits by default for what a person waits for (a canister call, a page), in ms. */
export const STEP_MS = 30_000;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/**
 * Collects what goes wrong in a context: console errors, page errors, failed requests and HTTP errors, from every
 * page of the context (popups included). `stop()` ends the collection (before the context closes, whose in-flight
 * requests then fail on purpose).
 */
export class Guard {
  readonly problems: string[] = [];
  private watching = true;

  constructor(context: BrowserContext) {
    const note = (what: string) => {
      if (this.watching) this.problems.push(what);
    };
    context.on('console', (message) => {
      if (message.type() === 'error') {
        const at = message.location();
        note(`console error: ${message.text()}${at.url ? ` (at ${at.url}:${at.lineNumber})` : ''}`);
      }
    });
    context.on('weberror', (error) => note(`page error: ${error.error().stack ?? error.error().message}`));
    context.on('requestfailed', (request) =>
      note(`request failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'unknown error'}`),
    );
    context.on('response', (response) => {
      if (response.status() >= 400) note(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
    });
  }

  stop(): void {
    this.watching = false;
  }

  /** Throws listing everything found, if anything was. */
  check(): void {
    if (this.problems.length > 0) throw new Error(`The browser saw ${this.problems.length} problem(s):\n- ${this.problems.join('\n- ')}`);
  }
}

/** A full-page screenshot at tests/e2e/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name.replace(/[^A-Za-z0-9._-]/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export type Opened = {
  context: BrowserContext;
  page: Page;
  guard: Guard;
  viewport: ViewportName;
  /** A full-page screenshot named `<name>-<viewport>-<step>.png`. */
  shot: (step: string) => Promise<string>;
};

export type OpenOptions = {
  viewport?: ViewportName;
  /** Prefix of the screenshots' names (the test's subject: 'consumer', 'provider'). */
  name?: string;
};

/** A dev Internet Identity user name no earlier run used: `<prefix>-<random>` (each gets its own principal). */
export const freshUser = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

/**
 * Logs in as a person does: "Log in" in the header opens the dev Internet Identity window, where the user is created
 * (or picked) by name; the window closes and the header shows the principal. Resolves with the principal's text.
 * With `screenshot`, the Internet Identity window is saved under that name before the user signs in.
 */
export async function login(page: Page, user: string, { screenshot: name }: { screenshot?: string } = {}): Promise<string> {
  const header = page.locator('header');
  const [popup] = await Promise.all([page.waitForEvent('popup'), header.getByRole('button', { name: 'Log in' }).click()]);
  // The window knows the app once the app has sent its request; only then does it sign in.
  await popup.locator('#app').filter({ hasNotText: '—' }).waitFor();
  await popup.locator('#name').fill(user);
  if (name !== undefined) await screenshot(popup, name);
  await Promise.all([popup.waitForEvent('close'), popup.getByRole('button', { name: 'Sign in', exact: true }).click()]);
  await header.getByRole('button', { name: 'Log out' }).waitFor();
  const principal = await header.locator('.who .mono').getAttribute('title');
  if (!principal) throw new Error('the header shows no principal after the login');
  return principal;
}

/** Goes to a page through the navigation, opening the menu first where it is folded (a phone). */
export async function navigate(page: Page, title: string): Promise<void> {
  const menu = page.locator('header').getByRole('button', { name: 'Menu' });
  if (await menu.isVisible()) await menu.click();
  await page.locator('nav').getByRole('link', { name: title, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor();
}

// Assertions that wait, as a person waits for a page to show something (playwright-core has no `expect`; these
// are the few the tests need). Each resolves with what it saw and throws, after `timeout` ms, with what was there.

type Wait = { timeout?: number };

async function waitUntil<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  describe: (last: T | Error) => string,
  timeout = STEP_MS,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T | Error = new Error('never read');
  for (;;) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (error) {
      last = error as Error;
    }
    if (Date.now() > deadline) throw new Error(describe(last));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const shown = (value: unknown) => (value instanceof Error ? `(${value.message.split('\n')[0]})` : JSON.stringify(value));

/** Waits until the (first) element's text contains `expected` (or matches it); resolves with the text. */
export function expectText(locator: Locator, expected: string | RegExp, { timeout }: Wait = {}): Promise<string> {
  return waitUntil(
    () => locator.first().innerText({ timeout: 1_000 }),
    (text) => (typeof expected === 'string' ? text.includes(expected) : expected.test(text)),
    (last) => `${locator} never showed ${String(expected)}; it showed ${shown(last)}`,
    timeout,
  );
}

/** Waits until there are exactly `count` elements. */
export async function expectCount(locator: Locator, count: number, { timeout }: Wait = {}): Promise<void> {
  await waitUntil(
    () => locator.count(),
    (n) => n === count,
    (last) => `${locator}: expected ${count} element(s), found ${shown(last)}`,
    timeout,
  );
}

/** Waits until an input's value is `expected`. */
export async function expectValue(locator: Locator, expected: string, { timeout }: Wait = {}): Promise<void> {
  await waitUntil(
    () => locator.inputValue({ timeout: 1_000 }),
    (value) => value === expected,
    (last) => `${locator}: expected the value ${JSON.stringify(expected)}, found ${shown(last)}`,
    timeout,
  );
}

/** Throws when the page is wider than its viewport (a phone would scroll sideways). */
export async function expectFitsWidth(page: Page): Promise<void> {
  const viewport = page.viewportSize()?.width;
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (viewport !== undefined && wide > viewport) {
    throw new Error(`${page.url()} is ${wide} px wide on a ${viewport} px wide screen: a phone scrolls it sideways`);
  }
}
