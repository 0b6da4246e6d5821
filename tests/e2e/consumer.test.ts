// The web app in Chromium, as consumers and model creators use it, against the run's one `npm start` (demo market
// on; tests/system/setup.ts): log in through the dev Internet Identity, take tokens from the faucet, run a text job
// and an embedding job and read their output, who ran them, the split payment and the verification, find them in
// Activity and export them as CSV, see the market's analytics drawn; publish a model from a file and find it in
// the catalog. Each test is a fresh dev user (a new principal) in a fresh browser context; the browser helper fails
// a test on any console error, page error or failed request, and every page is saved as a screenshot in
// tests/e2e/screenshots/ (gitignored).
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { shorten } from '../../src/frontend/lib/format/account';
import { formatAmount, parseAmount } from '../../src/frontend/lib/format/amount';
import { startedSystem } from '../system/system';
import {
  expectCount,
  expectFitsWidth,
  expectText,
  expectValue,
  freshUser,
  login,
  navigate,
  type Page,
  useBrowser,
} from '../support/browser';

const system = startedSystem();
const browser = useBrowser();
// A person's whole session: about 20 s on a quiet machine, minutes while the rest of the suite shares 2 cores.
const TEST_MS = 300_000;
// The local token (npm start's ledger): 8 decimals.
const DECIMALS = 8;

/** Base units of an amount the app shows, like "9.9886 LIT". */
function units(text: string): bigint {
  const match = /([\d,]+(?:\.\d+)?) LIT/.exec(text);
  if (!match) throw new Error(`no LIT amount in "${text}"`);
  const parsed = parseAmount(match[1].replace(/,/g, ''), DECIMALS);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}
const lit = (base: bigint) => `${formatAmount(base, DECIMALS)} LIT`;

/** A row of the page's table that names this model id (`#<id>`), on a page where ids are shown that way. */
const modelRow = (page: Page, id: string | bigint) => page.locator('main tbody tr').filter({ hasText: new RegExp(`#${id}(?!\\d)`) });

/**
 * Runs one job from the Playground as a person does: the model, the input, a quote, the one confirmation with the
 * amount, each fee and the total, approve and submit, then its page until it settles. Returns what was charged.
 */
async function runJob(
  page: Page,
  shot: (step: string) => Promise<string>,
  job: { model: string; input: string; inputLabel: string; maxTokens?: number; fee: bigint; step: string },
): Promise<{ id: string; total: bigint; price: bigint }> {
  const main = page.locator('main');
  await navigate(page, 'Playground');
  const select = main.getByRole('combobox', { name: /^Model/ });
  const option = select.locator('option').filter({ hasText: new RegExp(`\\(#${job.model}\\)$`) });
  await option.waitFor({ state: 'attached' });
  await select.selectOption({ label: await option.innerText() });
  await main.getByLabel(job.inputLabel).fill(job.input);
  if (job.maxTokens !== undefined) await main.getByLabel('Max tokens').fill(String(job.maxTokens));
  await main.getByRole('button', { name: 'Get a quote' }).click();

  // The quote: the demo provider's offer and the total, and what the two ledger fees add.
  const quote = main.locator('section').filter({ has: page.getByRole('heading', { name: 'Quote' }) });
  await quote.waitFor();
  await expectCount(quote.getByRole('row').filter({ hasText: shorten(system.demo.provider) }), 1);
  const totalLine = await quote.getByText(/^Total /).innerText();
  const price = units(totalLine);
  expect(price).toBeGreaterThan(0n);
  expect(totalLine).toContain(`plus two ledger fees of ${lit(job.fee)}: ${lit(price + 2n * job.fee)} in all`);
  await shot(`${job.step}-quote`);

  // One confirmation: the amount, each fee, the total.
  await main.getByRole('button', { name: 'Pay and run…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Pay for this job' });
  const line = (name: string | RegExp) => dialog.getByRole('row').filter({ hasText: name });
  await expectText(line('Amount'), lit(price));
  await expectText(line('Ledger fee of the approval'), lit(job.fee));
  await expectText(line('Ledger fee of the transfer'), lit(job.fee));
  await expectText(line('Total from your balance'), lit(price + 2n * job.fee));
  await shot(`${job.step}-confirm`);
  await dialog.getByRole('button', { name: 'Approve and submit' }).click();

  // The job's page follows its state to the end, then shows what came of it.
  const heading = page.getByRole('heading', { level: 1, name: /^Job \d+$/ });
  await heading.waitFor();
  const id = (await heading.innerText()).replace('Job ', '');
  await main.getByText('settled', { exact: true }).first().waitFor({ timeout: 120_000 });
  await main.getByRole('heading', { name: 'Verification' }).waitFor();
  await expectCount(main.getByText('watching…'), 0);
  return { id, total: price + 2n * job.fee, price };
}

/** The job page's sections once the job settled: who ran it, the split payment, the verification. */
async function checkSettledJob(page: Page, price: bigint, roles: string[]): Promise<void> {
  const main = page.locator('main');
  const section = (name: string) => main.locator('section').filter({ has: page.getByRole('heading', { name, exact: true }) });

  // Who ran it: the demo provider's offer.
  const ran = section('Who ran it').getByRole('row').filter({ hasText: 'ran it' });
  await expectCount(ran, 1);
  await expectText(ran, shorten(system.demo.provider));
  await expectText(ran, lit(price));

  // The split payment, as payment recorded it: the provider, the model's creator (when the model has a royalty)
  // and the treasury, each a positive amount, together no more than the price.
  const payment = section('Payment');
  await expectCount(payment.locator('tbody tr'), roles.length);
  const credits: bigint[] = [];
  for (const role of roles) {
    const row = payment.getByRole('row').filter({ hasText: role });
    await expectCount(row, 1);
    const amount = units(await row.innerText());
    expect(amount, role).toBeGreaterThan(0n);
    credits.push(amount);
  }
  expect(credits[0]).toBeGreaterThan(credits.slice(1).reduce((a, b) => a + b)); // the provider's share is the largest by far
  expect(credits.reduce((a, b) => a + b)).toBeLessThanOrEqual(price);

  // Verification: one replica, nothing to compare; the consumer may dispute within the window.
  const verification = section('Verification');
  await expectText(verification, 'One replica: nothing to compare.');
  await verification.getByRole('button', { name: 'Dispute…' }).waitFor();
}

/** How many pixels of a canvas are drawn at all, and how many in the colour of a chart's first line (#3b5bdb). */
async function canvasInk(page: Page, label: string): Promise<{ drawn: number; line: number }> {
  return page.getByLabel(label, { exact: true }).evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let drawn = 0;
    let line = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      drawn++;
      if (Math.abs(data[i] - 0x3b) < 24 && Math.abs(data[i + 1] - 0x5b) < 24 && Math.abs(data[i + 2] - 0xdb) < 24) line++;
    }
    return { drawn, line };
  });
}

describe('the web app for consumers and model creators, in Chromium', () => {
  it(
    'a consumer on a phone logs in, takes tokens from the faucet, runs a text job and an embedding job, finds them in Activity and the analytics',
    async () => {
      expect(system.webApp, 'npm start printed no Web app: URL').not.toBeNull();
      const opened = await browser.open(system.webApp!, { viewport: 'phone', name: 'consumer' });
      const page = opened.page;
      // Every page saved, and none wider than the phone.
      const shot = async (step: string) => {
        const path = await opened.shot(step);
        await expectFitsWidth(page);
        return path;
      };
      const main = page.locator('main');
      const header = page.locator('header');

      // The first page is the catalog, before logging in.
      await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
      await expectCount(modelRow(page, system.demo.textModel), 1);
      await shot('models');

      const principal = await login(page, freshUser('e2e-consumer'), { screenshot: 'consumer-phone-internet-identity' });
      expect(principal).toMatch(/^[a-z0-9]{5}(-[a-z0-9]{1,5})+$/);
      await expectText(header, shorten(principal));

      // Wallet: nothing yet; the faucet's tokens, then the balance with the token's decimals.
      await navigate(page, 'Wallet');
      const balance = main.locator('section').filter({ has: page.getByRole('heading', { name: 'Balance' }) });
      await balance.getByText('0 LIT', { exact: true }).waitFor();
      await main.getByText(principal, { exact: true }).first().waitFor();
      const feeText = await balance.getByText(/each transfer or approval costs/).innerText();
      const fee = units(feeText.split('costs')[1]);
      expect(fee).toBeGreaterThan(0n);
      const faucetButton = main.getByRole('button', { name: /^Get .* LIT from the faucet$/ });
      const gift = units(await faucetButton.innerText());
      await shot('wallet-empty');
      await faucetButton.click();
      await page.getByText(`The faucet sent you ${lit(gift)}.`).waitFor();
      await balance.getByText(lit(gift), { exact: true }).waitFor();
      await header.getByRole('link', { name: lit(gift), exact: true }).waitFor();
      await expect.poll(() => faucetButton.isDisabled(), { timeout: 10_000 }).toBe(true); // one claim a day
      await expectText(balance, 'Next claim after');
      await shot('wallet-faucet');

      // A text job on the demo text model.
      const text = await runJob(page, shot, {
        model: system.demo.textModel,
        input: 'Why is the sky blue?',
        inputLabel: 'Prompt',
        maxTokens: 16,
        fee,
        step: 'text-job',
      });
      const output = main.locator('section').filter({ has: page.getByRole('heading', { name: 'Output' }) });
      await expectText(main, 'Why is the sky blue?');
      const generated = await output.locator('p').first().innerText();
      expect(generated.trim().length).toBeGreaterThan(0);
      await expectText(output, /\b([1-9]|1[0-6]) tokens · node-llama-cpp/);
      await output.getByRole('button', { name: 'Copy the text' }).waitFor();
      await checkSettledJob(page, text.price, ['Provider', 'Model creator', 'Treasury']); // the text model's royalty is 5%
      await shot('text-job');

      // An embedding job on the demo embedding model: a vector.
      const embedding = await runJob(page, shot, {
        model: system.demo.embeddingModel,
        input: 'The sky is blue because air scatters short wavelengths.',
        inputLabel: 'Text to embed',
        fee,
        step: 'embedding-job',
      });
      await expectText(output, /A 512-dimensional vector: \[-?\d\.\d{4}, /);
      await output.getByRole('button', { name: 'Copy the vector' }).waitFor();
      await checkSettledJob(page, embedding.price, ['Provider', 'Treasury']); // the embedding model has no royalty
      await shot('embedding-job');

      // What the two jobs cost, to the base unit: the faucet's gift less each job's price and two ledger fees.
      const left = gift - text.total - embedding.total;
      await header.getByRole('link', { name: lit(left), exact: true }).waitFor();
      expect(lit(left)).toMatch(/\.\d+ LIT$/); // shown with its decimals

      // Activity: both jobs, settled, with their cost; the CSV has them too.
      await navigate(page, 'Activity');
      await main.getByText('2 of 2 jobs.').waitFor();
      for (const [job, input, price] of [
        [text.id, 'Why is the sky blue?', text.price],
        [embedding.id, 'The sky is blue because air scatters short wavelengths.', embedding.price],
      ] as const) {
        const row = main.getByRole('row').filter({ has: page.getByRole('link', { name: `#${job}`, exact: true }) });
        await expectText(row, 'settled');
        await expectText(row, lit(price));
        await expectText(row, input);
      }
      await shot('activity');
      const [download] = await Promise.all([page.waitForEvent('download'), main.getByRole('button', { name: 'Export CSV' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^jobs-\d{4}-\d{2}-\d{2}\.csv$/);
      const [columns, ...rows] = parseCsv(await readFile((await download.path())!, 'utf8'));
      expect(columns.join(',')).toBe('job,created,updated,state,model,lane,redundancy,max_tokens,price_LIT,input,output,result_sha256,failure');
      expect(rows).toHaveLength(2);
      const row = (id: bigint | string) => Object.fromEntries(columns.map((name, i) => [name, rows.find((r) => r[0] === `${id}`)?.[i]]));
      expect(row(text.id)).toMatchObject({
        state: 'settled',
        model: `${system.demo.textModel}`,
        lane: 'standard',
        redundancy: '1',
        max_tokens: '16',
        price_LIT: formatAmount(text.price, DECIMALS),
        input: 'Why is the sky blue?',
      });
      // The synthetic model's text, whole (the page showed it with its whitespace folded).
      expect(row(text.id).output?.replace(/\s+/g, ' ').trim()).toBe(generated.replace(/\s+/g, ' ').trim());
      expect(row(embedding.id)).toMatchObject({ state: 'settled', model: `${system.demo.embeddingModel}`, output: '512-dimensional vector' });

      // A job's page from Activity.
      await main.getByRole('link', { name: `#${text.id}`, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: `Job ${text.id}` }).waitFor();
      await main.getByText('settled', { exact: true }).first().waitFor();

      // Analytics: the last 24 hours hold at least these two jobs; every chart is drawn, the volume with data; the
      // demo provider is on the leaderboard.
      await navigate(page, 'Analytics');
      const facts = main.locator('section').filter({ has: page.getByRole('heading', { name: 'Last 24 hours' }) });
      await facts.waitFor();
      const jobs = /(\d+) submitted, (\d+) completed/.exec(await facts.innerText());
      expect(jobs, 'the jobs line').not.toBeNull();
      expect(Number(jobs![1])).toBeGreaterThanOrEqual(2);
      expect(Number(jobs![2])).toBeGreaterThanOrEqual(2);
      expect(units(await facts.getByRole('definition').nth(2).innerText())).toBeGreaterThanOrEqual(text.price + embedding.price); // paid by consumers
      for (const title of ['Jobs', 'Success rate', 'Latency', 'Volume', 'Fees', 'Refunds', 'Slashes']) {
        const canvas = page.getByLabel(`${title} chart`, { exact: true });
        await canvas.scrollIntoViewIfNeeded();
        await expect
          .poll(async () => (await canvasInk(page, `${title} chart`)).drawn, { message: `the ${title} chart is drawn` })
          .toBeGreaterThan(500);
      }
      for (const title of ['Jobs', 'Volume', 'Success rate']) {
        expect((await canvasInk(page, `${title} chart`)).line, `the ${title} chart shows data`).toBeGreaterThan(0);
      }
      const leaders = main.locator('section').filter({ has: page.getByRole('heading', { name: /^Providers by / }) });
      const demo = leaders.getByRole('row').filter({ hasText: shorten(system.demo.provider) });
      await expectCount(demo, 1);
      expect(units(await demo.innerText())).toBeGreaterThan(0n);
      await shot('analytics');
    },
    TEST_MS,
  );

  it(
    'a model creator on a desktop browses the catalog, publishes a model from a file and finds it in the catalog',
    async () => {
      const { page, shot } = await browser.open(system.webApp!, { viewport: 'desktop', name: 'creator' });
      const main = page.locator('main');

      // The catalog: the demo models with their live price and providers.
      await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
      for (const model of [system.demo.textModel, system.demo.embeddingModel]) {
        const row = modelRow(page, model);
        await expectText(row.getByRole('cell').filter({ hasText: 'per request' }), /\d LIT/);
        expect(Number(await row.locator('td[data-label="Providers"]').innerText())).toBeGreaterThanOrEqual(1);
        await row.getByRole('link', { name: 'Try' }).waitFor();
      }
      await shot('models');

      const principal = await login(page, freshUser('e2e-creator'), { screenshot: 'creator-desktop-internet-identity' });
      await navigate(page, 'Model creator');
      await main.getByText('You have not published a model yet.').waitFor();
      await shot('creator-empty');

      // A small model file: its sha256 and size are computed in the browser.
      const dir = await mkdtemp(join(tmpdir(), 'e2e-model-'));
      try {
        const bytes = Buffer.concat([Buffer.from('GGUF'), randomBytes(4096)]);
        const file = join(dir, 'tiny-e2e.gguf');
        await writeFile(file, bytes);
        await main.getByLabel(/^Model file/).setInputFiles(file);
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        await expectValue(main.getByLabel('sha256'), sha256);
        await expectValue(main.getByLabel('Size (bytes)'), String(bytes.length));
        await expectValue(main.getByLabel('Name'), 'tiny-e2e');

        const name = `${freshUser('e2e')}/tiny`;
        await main.getByLabel('Name').fill(name);
        await main.getByLabel('Version').fill('1.0.0');
        await main.getByLabel('License').fill('MIT');
        await main.getByLabel(/^Royalty/).fill('2.5');
        await shot('creator-form');
        await main.getByRole('button', { name: 'Publish' }).click();
        const published = page.getByText(new RegExp(`^Published “${name}” version 1\\.0\\.0 as model #(\\d+)\\.$`));
        await published.waitFor();
        const id = /#(\d+)\.$/.exec(await published.innerText())![1];

        // My models lists it with its terms.
        const mine = main.locator('section').filter({ has: page.getByRole('heading', { name: 'My models' }) });
        const row = mine.getByRole('row').filter({ hasText: name });
        await expectText(row, '1.0.0');
        await expectText(row, `#${id}`);
        await expectText(row, 'MIT');
        await expectText(row, '2.5%');
        await expectText(row, 'public');
        await expectText(row, sha256.slice(0, 16));
        await shot('creator-published');

        // The catalog has it: by this creator, no offer yet.
        await navigate(page, 'Models');
        await main.getByLabel('Search').fill(name);
        const listed = modelRow(page, id);
        await expectText(listed, name);
        await expectText(listed, shorten(principal));
        await expectText(listed, '2.5%');
        await expectText(listed, '4.0 KiB');
        await expectText(listed, 'no active offer');
        await expectCount(main.locator('tbody tr'), 1);
        await shot('models-published');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    TEST_MS,
  );
});

/** The rows of an RFC 4180 CSV text: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) row.push(field), rows.push(row);
  return rows;
}
