// Governance in the browser, against the shared npm start (tests/system/setup.ts), whose governance votes for 60
// seconds with a 10-second timelock (LOCAL_GOVERNANCE_PARAMS, npm start's local setting): a fresh user takes tokens
// from the faucet, locks them for voting power, makes a motion (the deposit shown before the approval), votes yes,
// and watches the countdown, the decision and the execution in the page, which reads the proposals again while
// they wait on governance's timer.
//
// Quorum is 20% of the power snapshotted when the proposal is made: the bonded stakes of every provider (the demo
// provider's 1 LIT, and whatever other tests stake meanwhile, 1 LIT each) plus the locks. The user locks 8 LIT, so
// alone it reaches quorum unless others stake more than 32 LIT in all. A motion executes nothing, so the shared
// system's settings stay as they were; bootstrap is never called.
import { describe, expect, it } from 'vitest';

import { freshUser, login, navigate, useBrowser } from '../support/browser.js';
import { startedSystem } from '../system/system.js';

const system = startedSystem();
const browser = useBrowser();

describe('governance in the web app', () => {
  it('makes a motion with its deposit, votes on it, and sees it decided and executed', { timeout: 420_000 }, async () => {
    expect(system.webApp).not.toBeNull();
    const { page, shot } = await browser.open(system.webApp!, { name: 'governance' });
    const main = page.locator('main');
    await login(page, freshUser('voter'));

    await navigate(page, 'Wallet');
    await main.getByRole('button', { name: /from the faucet/ }).click();
    await page.getByText(/The faucet sent you/).waitFor();

    await navigate(page, 'Governance');
    // The local periods are shown as the rules.
    await expect.poll(() => main.getByText(/Deposit 1 LIT; voting 1 min;/).count()).toBe(1);
    await shot('rules');

    // Voting power: 8 LIT locked (approve 8 LIT + fee, then lock), confirmed with the amount and both fees.
    await main.getByLabel(/^Lock \(LIT/).fill('8');
    await main.getByRole('button', { name: 'Lock…' }).click();
    let dialog = page.getByRole('dialog');
    await expect
      .poll(() => dialog.innerText())
      .toMatch(/Amount\s+8 LIT[\s\S]*approval\s+0\.0001 LIT[\s\S]*transfer\s+0\.0001 LIT[\s\S]*Total from your balance\s+8\.0002 LIT/);
    await dialog.getByRole('button', { name: 'Approve and continue' }).click();
    await page.getByText(/8 LIT locked until/).waitFor();
    await main.getByText(/8 LIT locked;\s+unlocks in/).waitFor();

    // A motion: the deposit (1 LIT) is said before it is taken, in the form and in the confirmation.
    const summary = `Motion from the browser test ${freshUser('m')}`;
    await main.getByText(/It costs a deposit of 1 LIT/).waitFor();
    await main.getByLabel('What').selectOption('text');
    await main.getByLabel('Summary').fill(summary);
    await main.getByRole('button', { name: 'Propose…' }).click();
    dialog = page.getByRole('dialog');
    await expect
      .poll(() => dialog.innerText())
      .toMatch(/Proposal deposit[\s\S]*Amount\s+1 LIT[\s\S]*Total from your balance\s+1\.0002 LIT/);
    await shot('deposit');
    await dialog.getByRole('button', { name: 'Approve and continue' }).click();
    await page.getByText(/Proposal \d+ is open for votes\./).waitFor();

    const proposal = main.locator('article.proposal', { hasText: summary });
    await proposal.getByText('open', { exact: true }).waitFor();
    await expect.poll(() => proposal.getByTestId('countdown').innerText()).toMatch(/^voting ends in \d+ s/);
    // The ballot holds the power snapshotted: the 8 LIT locked.
    await proposal.getByRole('button', { name: 'Yes (8 LIT)' }).click();
    await page.getByText('You voted yes.').waitFor();
    await proposal.getByText('You voted yes with 8 LIT.').waitFor();
    expect(await proposal.innerText()).toMatch(/Yes 8 LIT, no 0 LIT of [\d.]+ LIT power/);
    await shot('voted');

    // The vote ends after 60 s; governance's timer (every 60 s) decides, then executes after the 10 s timelock. The
    // page reads again by itself: no reload.
    const started = Date.now();
    await proposal.locator('.badge', { hasText: /^(adopted|executing|executed)$/ }).waitFor({ timeout: 180_000 });
    await shot('adopted');
    await proposal.locator('.badge', { hasText: /^executed$/ }).waitFor({ timeout: 180_000 });
    await proposal.getByText(/Executed .*: a motion: nothing to execute/).waitFor();
    const text = await proposal.innerText();
    expect(text).toMatch(/deposit 1 LIT \((returning|returned)\)/);
    await expect.poll(() => proposal.innerText(), { timeout: 90_000, interval: 2_000 }).toMatch(/deposit 1 LIT \(returned\)/);
    // The deposit came back less one fee: 10 - 8.0002 (lock) - 1.0002 (deposit) + 0.9999 LIT, in the header too.
    await expect.poll(() => page.locator('header .balance').innerText(), { timeout: 30_000 }).toBe('1.9995 LIT');
    console.log(`governance: decided and executed ${Math.round((Date.now() - started) / 1000)} s after the vote`);
    await shot('executed');
  });
});
