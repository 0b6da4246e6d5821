// The Keys page in Chromium against the run's one `npm start` (tests/system/setup.ts), as a developer uses it: log
// in, take tokens from the faucet, meet the "no allowance" note and approve payment, create a key and see its secret
// once, call the OpenAI-compatible API with it (the models list, then a completion that runs a market job and shows
// in the key's usage), revoke it and see the next request refused 401; then the same list on a phone. A fresh dev user
// per run; screenshots in tests/e2e/screenshots/ (keys-desktop-*.png, keys-phone-*.png).
import { describe, expect, it } from 'vitest';

import { formatAmount, parseAmount } from '../../src/frontend/lib/format/amount';
import { apiBaseUrl } from '../../src/sdk/keys';
import { localhostFetch } from '../support/localhost_fetch';
import { expectCount, expectFitsWidth, expectText, freshUser, login, navigate, useBrowser } from '../support/browser';
import { startedSystem } from '../system/system';

const system = startedSystem();
// The local token (npm start's ledger): 8 decimals.
const DECIMALS = 8;
const units = (text: string): bigint => {
  const parsed = parseAmount(text, DECIMALS);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};
const browser = useBrowser();
const TEST_MS = 300_000;

/** A request to the API as an OpenAI client makes it: JSON in, JSON out. */
async function api(base: string, path: string, secret?: string, body?: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (secret !== undefined) headers.Authorization = `Bearer ${secret}`;
  const response = await localhostFetch(`${base}${path}`, {
    method: body ? 'POST' : 'GET',
    headers,
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('API keys in the web app, in Chromium', () => {
  it(
    'a developer approves payment, creates a key, sees its secret once, uses it, revokes it, and it is refused at once',
    async () => {
      expect(system.webApp, 'npm start printed no Web app: URL').not.toBeNull();
      expect(system.apiBaseUrl, 'npm start printed no OpenAI-compatible API: URL').not.toBeNull();
      const base = system.apiBaseUrl!;
      expect(apiBaseUrl(system.ids.api, system.url)).toBe(base);
      const { page, shot } = await browser.open(system.webApp!, { viewport: 'desktop', name: 'keys' });
      const main = page.locator('main');
      const user = freshUser('e2e-keys');
      await login(page, user);

      await navigate(page, 'Wallet');
      await main.getByRole('button', { name: /^Get .* LIT from the faucet$/ }).click();
      await page.getByText(/^The faucet sent you/).waitFor();

      // No allowance yet: the page says so, and a key cannot be made.
      await navigate(page, 'API keys');
      await expectText(main.getByTestId('base-url'), base);
      await main.getByTestId('no-allowance').waitFor();
      await main.getByLabel('Name').fill('agent');
      await main.getByLabel('Spend cap (LIT)').fill('1');
      await main.getByRole('button', { name: 'Create key' }).click();
      await main.getByText(/you have none: approve payment above first/).waitFor();
      await shot('no-allowance');

      await main.getByLabel('Allow payment to spend (LIT)').fill('5');
      await main.getByRole('button', { name: 'Approve' }).click();
      const approved = await page.getByText(/^Payment may now spend up to 5 LIT/).innerText();
      const fee = units(/\(fee ([\d.]+) LIT\)/.exec(approved)![1]);
      await expectCount(main.getByTestId('no-allowance'), 0);

      // Bad terms are refused in words, before any call.
      await main.getByLabel('Requests per minute').fill('0');
      await main.getByRole('button', { name: 'Create key' }).click();
      await main.getByText('The key’s terms are not valid: requests_per_minute: 1 to 600.').waitFor();
      await main.getByLabel('Requests per minute').fill('30');

      // The key: its secret once, with the warning.
      await main.getByRole('button', { name: 'Create key' }).click();
      const secretField = main.getByTestId('secret');
      await secretField.waitFor();
      const secret = await secretField.inputValue();
      expect(secret).toMatch(/^sk-icp-\d+-[A-Za-z0-9_-]{43}$/);
      const id = /^sk-icp-(\d+)-/.exec(secret)![1];
      await main.getByText('Copy it now: you will not see it again.').waitFor();
      const row = main.getByTestId(`key-${id}`);
      await expectText(row, `agent sk-icp-…${secret.slice(-4)}`);
      await expectText(row, '0 LIT + 0 LIT of 1 LIT');
      await expectText(row, 'live');
      await shot('created');
      await main.getByRole('button', { name: 'I have stored it' }).click();
      await expectCount(secretField, 0);
      expect(await page.content()).not.toContain(secret);

      // The API with the key: the models list (no key needed), then a completion, which runs as a market job.
      const models = await api(base, '/models');
      expect(models.status).toBe(200);
      expect((models.json.data as { id: string }[]).map((m) => m.id)).toContain(system.demo.textModel);
      const completion = await api(base, '/completions', secret, { model: system.demo.textModel, prompt: 'The sky is', max_tokens: 8 });
      expect(completion.status, JSON.stringify(completion.json)).toBe(200);
      expect(completion.json).toMatchObject({ object: 'text_completion', model: system.demo.textModel });
      expect(typeof (completion.json.choices as { text: string }[])[0].text).toBe('string');

      // The page shows the request and what it spent (less than the cap).
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      const cell = (label: string) => row.locator(`td[data-label="${label}"]`);
      await expectText(cell('Requests'), '1');
      const spent = /^([\d.]+) LIT \+ 0 LIT of 1 LIT$/.exec((await cell('Spent + held of cap').innerText()).trim());
      expect(spent, 'the spent amount of the key').not.toBeNull();
      // A key counts what its jobs cost the owner: the price and the escrow transfer's fee.
      const charged = units(spent![1]);
      expect(charged).toBeGreaterThan(fee);
      // The job was paid from the allowance: exactly what the key counts, nothing more.
      await expectText(main, `Payment may take up to ${formatAmount(units('5') - charged, DECIMALS)} LIT of yours`);
      expect(await cell('Last used').innerText()).not.toBe('never');

      // Revoke, with a confirmation; the next request is refused 401.
      await row.getByRole('button', { name: 'Revoke' }).click();
      await row.getByText('Revoke for good?').waitFor();
      await shot('revoke-confirm');
      await row.getByRole('button', { name: 'Yes, revoke' }).click();
      await page.getByText(`Key ${id} is revoked: requests with it are refused from now on.`).waitFor();
      await expectText(row, 'revoked');
      await expectCount(row.getByRole('button', { name: 'Revoke' }), 0);
      const refused = await api(base, '/completions', secret, { model: system.demo.textModel, prompt: 'The sky is', max_tokens: 8 });
      expect(refused.status).toBe(401);
      expect(refused.json).toMatchObject({ error: { code: 'invalid_api_key' } });
      await shot('revoked');

      // The same user's keys on a phone: no sideways scrolling.
      const phone = await browser.open(system.webApp!, { viewport: 'phone', name: 'keys' });
      await login(phone.page, user);
      await navigate(phone.page, 'API keys');
      await expectText(phone.page.locator('main').getByTestId(`key-${id}`), 'revoked');
      await expectFitsWidth(phone.page);
      await phone.shot('list');
    },
    TEST_MS,
  );
});
