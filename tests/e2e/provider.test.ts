// Becoming a provider from the browser alone, against the shared npm start (tests/system/setup.ts): a fresh user
// takes tokens from the faucet, registers on the Provider page (certified at once: identity's auto_certify, npm
// start's local setting), stakes (the confirmation shows the amount and both fees), claims a worker of its own (an
// extra `npm run worker` process this test starts against the started system, as the README's walkthrough does) with
// the code it prints, publishes an offer on that node, runs a job in the Playground that lands on that offer, and sees
// it on its Provider page (jobs and earnings). The offer is retired and the worker stopped at the end.
//
// The offer serves the demo text model's file, published by this user on the Model creator page under a name of its
// own, rather than the demo model itself: the other tests sharing this npm start (the consumer's browser test, both
// README walkthroughs) expect their text jobs on model 0 to go to the demo provider at 0.01 LIT, and an offer that
// wins the matching for model 0, even for a few seconds, would take their jobs. With a model of its own, this
// provider's offer is the only one, so the job lands on it for certain.
//
// And the Certifier page with the deployer's key file (`.localnet-state/deployer.pem`): the deployer, identity's admin
// and first certifier, suspends a fresh provider and certifies it again, and names a logged-in user a certifier.
import { HttpAgent } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { createActors } from '../../src/frontend/lib/api/actors';
import { parseConfig } from '../../src/frontend/lib/config';
import { shorten } from '../../src/frontend/lib/format/account';
import { freshUser, login, navigate, type Page, useBrowser } from '../support/browser.js';
import { alive, gone, ROOT, TSX } from '../support/npm_start.js';
import { projectFolder, startedSystem } from '../system/system.js';

const system = startedSystem();
const browser = useBrowser();

/** A worker process of the test's own: `npm run worker` for the demo text model's file as `model`, against the started system. */
type Worker = { child: ChildProcess; dispose: () => Promise<void>; output: () => string; node: string; code: string };

async function startWorker(model: string): Promise<Worker> {
  // A folder of its own that sees npm start's .dfx/local/canister_ids.json and models/, where its key is made.
  const { dir, dispose } = await projectFolder(system);
  const child = spawn(
    process.execPath,
    [
      '--import',
      TSX,
      join(ROOT, 'src/worker/main.ts'),
      '--model',
      join(system.dir, 'models/tiny-llama-synthetic-42.gguf'),
      '--model-id',
      model,
      '--host',
      system.url,
      '--port',
      '0',
    ],
    { cwd: dir, env: { ...process.env, NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker printed no claim code in 120 s:\n${output}`)), 120_000);
    const look = () => {
      const match = /^worker: claim code (\S+) \(expires/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', look);
    child.on('exit', (status) => reject(new Error(`the worker exited (${status}):\n${output}`)));
    look();
  });
  const node = /^worker: node (\S+) /m.exec(output)![1];
  return { child, dispose, output: () => output, node, code };
}

async function stopWorker(worker: Worker | undefined): Promise<void> {
  if (!worker) return;
  const pid = worker.child.pid!;
  if (alive(pid)) {
    worker.child.kill('SIGTERM');
    expect(await gone([pid])).toBe(true);
  }
  await worker.dispose();
}

async function faucet(page: Page): Promise<void> {
  await navigate(page, 'Wallet');
  await page
    .locator('main')
    .getByRole('button', { name: /from the faucet/ })
    .click();
  await page.getByText(/The faucet sent you 10 LIT/).waitFor();
}

describe('a provider in the web app', () => {
  let worker: Worker | undefined;
  afterAll(async () => stopWorker(worker));

  it('registers, stakes, claims its own worker, offers a model and serves a job', { timeout: 420_000 }, async () => {
    expect(system.webApp).not.toBeNull();
    const { page, shot } = await browser.open(system.webApp!, { name: 'provider' });
    const main = page.locator('main');
    const me = await login(page, freshUser('provider'));
    await faucet(page);

    // The demo text model's file as a model of this user's (hashed in the page, never uploaded), without a royalty.
    await navigate(page, 'Model creator');
    await main.getByLabel(/^Model file/).setInputFiles(join(system.dir, 'models/tiny-llama-synthetic-42.gguf'));
    await expect.poll(() => main.getByLabel('sha256').inputValue(), { timeout: 60_000 }).toMatch(/^[0-9a-f]{64}$/);
    await main.getByLabel('Name').fill(freshUser('e2e-llama'));
    await main.getByLabel('Version').fill('1');
    await main.getByLabel('License').fill('apache-2.0');
    await main.getByLabel(/^Royalty/).fill('0');
    await main.getByRole('button', { name: 'Publish', exact: true }).click();
    const publishedModel = await page.getByText(/ as model #\d+\./).innerText();
    const model = /model #(\d+)/.exec(publishedModel)![1];
    // The worker loads it meanwhile.
    const starting = startWorker(model);
    starting.catch(() => undefined);

    // Register: certified at once on npm start's network.
    await navigate(page, 'Provider');
    await main.getByText('(this network certifies you at once)').waitFor();
    await main.getByLabel('Name').fill('e2e-acme');
    await main.getByLabel('Region').fill('eu-test');
    await main.getByLabel('Contact').fill('ops@example.com');
    await shot('register');
    await main.getByRole('button', { name: 'Register' }).click();
    await page.getByText('Registered as a provider.').waitFor();
    await main.getByRole('heading', { name: 'Standing' }).waitFor();
    await main.locator('.badge', { hasText: 'certified' }).waitFor();
    await main.getByText('no: stake below the minimum').waitFor();

    // Stake 1 LIT (the minimum): the confirmation names the amount, each fee and the total.
    await main.getByLabel('Stake (LIT)').fill('1');
    await main.getByRole('button', { name: 'Stake…' }).click();
    const dialog = page.getByRole('dialog');
    await expect
      .poll(() => dialog.innerText())
      .toMatch(
        /Stake[\s\S]*Amount\s+1 LIT[\s\S]*approval\s+0\.0001 LIT[\s\S]*transfer\s+0\.0001 LIT[\s\S]*Total from your balance\s+1\.0002 LIT/,
      );
    expect(await dialog.innerText()).toContain('the identity canister');
    await shot('stake-dialog');
    await dialog.getByRole('button', { name: 'Approve and stake' }).click();
    await page.getByText('Bonded stake is now 1 LIT.').waitFor();
    await main.getByText('yes: your active offers take jobs').waitFor();

    // Claim the worker with the code it printed.
    worker = await starting;
    await main.getByLabel(/^Claim code/).fill(worker.code);
    await main.getByRole('button', { name: 'Claim', exact: true }).click();
    await page.getByText(/Claimed worker /).waitFor();
    const row = main.locator('tr', { hasText: 'claimed' }).first();
    await row.waitFor();
    // The worker sees its claim and tells the bridge where it serves; the page shows the endpoint on a reload.
    for (const started = Date.now(); !worker.output().includes('worker: ready');) {
      if (Date.now() - started > 60_000) throw new Error(`the worker is not ready:\n${worker.output()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(worker.output()).toContain(`worker: claimed by ${me}`);
    await navigate(page, 'Models');
    await navigate(page, 'Provider');
    await main.locator('td[data-label="Endpoint"]', { hasText: /^http:\/\// }).waitFor();
    await shot('claimed');

    // An offer for the model on this node.
    await main.getByRole('button', { name: 'New offer…' }).click();
    const form = main.locator('form.offer-form');
    expect(await form.getByRole('checkbox').isChecked()).toBe(true);
    await form.getByLabel('Models (numbers)').fill(model);
    await form.getByLabel('Region').fill('eu-test');
    await form.getByLabel(/^Price/).fill('0.001');
    await form.getByLabel('Capacity (jobs at once)').fill('4');
    await form.getByLabel('SLA: p95 latency (ms)').fill('500');
    await shot('offer-form');
    await form.getByRole('button', { name: 'Publish the offer' }).click();
    const published = await page.getByText(/Offer \d+ published\./).innerText();
    const offer = /Offer (\d+)/.exec(published)![1];
    await main
      .locator('tr', { hasText: `#${offer}` })
      .getByText('active')
      .waitFor();

    try {
      // The same person runs a job on the model: it lands on this offer.
      await navigate(page, 'Playground');
      const select = main.getByRole('combobox', { name: /^Model/ });
      await select.locator(`option[value="${model}"]`).waitFor({ state: 'attached' });
      await select.selectOption(model);
      await main.getByLabel('Prompt').fill('Who serves this job?');
      await main.getByLabel('Max tokens').fill('8');
      await main.getByRole('button', { name: 'Get a quote' }).click();
      const quote = main.locator('section', { has: page.getByRole('heading', { name: 'Quote' }) });
      await quote.locator('tbody tr').first().getByText(`#${offer}`).waitFor();
      expect(await quote.innerText()).toMatch(/Total 0\.001 LIT/);
      await shot('quote');
      await main.getByRole('button', { name: /Pay and run/ }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Approve and submit' }).click();
      const heading = page.getByRole('heading', { name: /^Job \d+$/ });
      await heading.waitFor();
      const job = /^Job (\d+)$/.exec(await heading.innerText())![1];
      console.log(`provider: job ${job} on offer ${offer}`);
      // Once final, the page shows who ran it: this offer, and the output names this worker's node.
      await main.getByRole('heading', { name: 'Who ran it' }).waitFor({ timeout: 90_000 });
      expect(await main.locator('tr', { hasText: `#${offer}` }).innerText()).toContain('ran it');
      expect(await main.locator('section', { has: page.getByRole('heading', { name: 'Output' }) }).innerText()).toContain(
        shorten(worker.node),
      );
      expect(await main.innerText()).toMatch(/settled/);
      await shot('job');

      // The provider's page: the job counted and the provider's share owed.
      await navigate(page, 'Provider');
      await expect.poll(() => main.getByTestId('jobs').innerText(), { timeout: 60_000, interval: 2_000 }).toMatch(/1 settled/);
      // The provider's share of the 0.001 LIT price (80%, and the creator's 5% too when the model asks no royalty, of
      // what escrow holds net of ledger fees).
      const owed = await main.locator('dt', { hasText: 'Earnings owed' }).locator('xpath=following-sibling::dd[1]').innerText();
      const amount = Number(/^([\d.]+) LIT/.exec(owed)?.[1]);
      expect(amount).toBeGreaterThan(0);
      expect(amount).toBeLessThan(0.001);
      await shot('earnings');

      // The same person disputes the job as its consumer: the provider's Disputes section lists it, whatever the
      // audit rules, with the ruling in words and the deposit.
      await page.evaluate((id) => (location.hash = `#/jobs/${id}`), job);
      await main.getByRole('button', { name: 'Dispute…' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Approve the deposit and dispute' }).click();
      await page.getByText(/^Dispute (upheld|rejected|undecided|open): /).waitFor({ timeout: 120_000 });
      await navigate(page, 'Provider');
      const disputed = main.getByTestId('disputes').locator('tr', { hasText: `#${job}` });
      expect(await disputed.innerText()).toMatch(/(upheld|rejected|undecided|open): [\s\S]*0\.01 LIT, /);
      await shot('disputes');
    } finally {
      // Retire the offer before the worker stops, so no other test's job is sent to it.
      await navigate(page, 'Provider');
      const offerRow = main.locator('tr', { hasText: `#${offer}` });
      await offerRow.getByRole('button', { name: 'retire' }).click();
      await page.getByText(`Offer ${offer} is retired.`).waitFor();
    }
    await stopWorker(worker);
    worker = undefined;
  });

  it(
    "certifies and suspends providers with the deployer's key file, and names a logged-in user a certifier",
    { timeout: 240_000 },
    async () => {
      expect(system.webApp).not.toBeNull();
      // A provider registered elsewhere (with the agent, as the CLI does): certified at once by auto_certify.
      const provider = Ed25519KeyIdentity.generate();
      const config = parseConfig(
        {
          DFX_NETWORK: 'local',
          IC_HOST: system.url,
          ...Object.fromEntries(Object.entries(system.ids).map(([name, id]) => [`CANISTER_ID_${name.toUpperCase()}`, id])),
        },
        system.url,
        'build',
      );
      if (!config.ok) throw new Error(config.error);
      const actors = createActors(
        await HttpAgent.create({ host: system.url, identity: provider, shouldFetchRootKey: true }),
        config.config,
      );
      const registered = await actors.identity.register({
        roles: [{ provider: null }],
        profile: [{ name: 'e2e-cert', region: 'eu-test', contact: '' }],
      });
      expect('Ok' in registered).toBe(true);
      const principal = provider.getPrincipal().toText();

      const { page, shot } = await browser.open(system.webApp!, { name: 'certifier' });
      const main = page.locator('main');
      const user = await login(page, freshUser('certifier'));
      await navigate(page, 'Certifier');
      await main.getByText('not a certifier').waitFor();
      await main.getByText(/Local networks only\. The deployer’s key controls every canister/).waitFor();

      // The deployer's key, loaded into the page (it stays there).
      await main.getByTestId('pem-file').setInputFiles(system.deployerPem);
      await expect.poll(() => main.getByTestId('signer').innerText()).toBe(system.deployer);
      await main.locator('.badge', { hasText: 'certifier' }).first().waitFor();
      await main.getByText('identity’s admin').waitFor();
      await shot('key-loaded');

      // The provider has no offer, so it is looked up by principal.
      await main.getByTestId('lookup').fill(principal);
      await main.getByRole('button', { name: 'Look up' }).click();
      const row = main.locator(`tr[data-provider="${principal}"]`);
      await expect.poll(() => row.getByTestId('status').innerText()).toBe('certified');
      await main.getByLabel(/^Reason/).fill('e2e: suspended for the test');
      await row.getByRole('button', { name: 'Suspend' }).click();
      await page.getByText(/is suspended\.$/).waitFor();
      await expect.poll(() => row.getByTestId('status').innerText()).toBe('suspended');
      expect(await row.innerText()).toContain('e2e: suspended for the test');
      let account = await actors.identity.get_account(provider.getPrincipal());
      expect(account[0]?.certification[0]?.status).toEqual({ suspended: null });
      expect((await actors.identity.standing(provider.getPrincipal())).certified).toBe(false);
      await shot('suspended');
      await main.getByLabel(/^Reason/).fill('e2e: certified again');
      await row.getByRole('button', { name: 'Certify' }).click();
      await page.getByText(/is certified\.$/).waitFor();
      await expect.poll(() => row.getByTestId('status').innerText()).toBe('certified');
      account = await actors.identity.get_account(provider.getPrincipal());
      expect(account[0]?.certification[0]?.status).toEqual({ certified: null });

      // The admin names the logged-in user a certifier; forgetting the key, the user acts with its login.
      await main.getByTestId('new-certifier').fill(user);
      await main.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByText(/is a certifier\.$/).waitFor();
      await main.locator(`li[data-certifier="${user}"]`).waitFor();
      await main.getByRole('button', { name: 'Forget the key' }).click();
      await expect.poll(() => main.getByTestId('signer').innerText()).toBe(user);
      await main.locator('.badge', { hasText: /^certifier$/ }).waitFor();
      await shot('certifier-login');
      // Leave identity's certifiers as they were.
      await main.getByTestId('pem-file').setInputFiles(system.deployerPem);
      await expect.poll(() => main.getByTestId('signer').innerText()).toBe(system.deployer);
      await main.locator(`li[data-certifier="${user}"]`).getByRole('button', { name: 'Remove' }).click();
      await page.getByText(/is no longer a certifier\.$/).waitFor();
      expect((await actors.identity.settings()).certifiers.map((c) => c.toText())).not.toContain(user);
    },
  );
});
