// The commands around the job flow, as people type them, against real canisters on the local network: models and
// offers listed, an offer paused, resumed and retired, earnings withdrawn, stake unbonded, and a governance
// proposal made, voted on and listed. Each with the refusals a person meets.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NAMES, deployEconomy, mint, ok, type Economy } from '../economy/deploy';
import { serve, type Served } from '../gateway/fixture';
import { randomUser } from '../localnet/probe';
import { cliProcess, writeIds } from './cli_process';

describe('the command line beyond the job', () => {
  let served: Served;
  let e: Economy;
  const dir = mkdtempSync(join(tmpdir(), 'cli-commands-'));
  const deployer = randomUser();
  const who: Record<string, Principal> = {};
  const node = randomUser();
  let model = '';

  const { must, refused } = cliProcess(dir, () => served.url);

  beforeAll(async () => {
    served = await serve();
    e = await deployEconomy(served.network, deployer, [...NAMES, 'analytics', 'governance']);
    writeIds(dir, e.ids);
    writeFileSync(join(dir, 'model.gguf'), 'not really a model, but the registry only keeps its hash');
    for (const name of ['creator', 'provider', 'consumer']) {
      await must('identity', 'new', name);
      who[name] = Principal.fromText((await must('identity', 'whoami', '--identity', name)).trim());
      await mint(e, who[name], 500_000_000n);
    }
    await must('provider', 'register', 'acme', 'eu-west', '--identity', 'provider');
    e.identity.setPrincipal(deployer);
    ok(await e.identity.set_certification(who.provider, { certified: null }, 'checked'));
    await must('provider', 'stake', '2', '--identity', 'provider');
    e.identity.setPrincipal(node);
    const ticket = ok(await e.identity.register_node({ gpu_model: [], vram_mib: 0, cpu_cores: 2, ram_mib: 4_096, description: 'test' }));
    await must('provider', 'claim', ticket.code, '--identity', 'provider');
  }, 240_000);
  afterAll(async () => {
    await served?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('models list: none, then the published model with its id, task, royalty and creator', async () => {
    expect(await must('models', 'list', '--identity', 'consumer')).toBe('no models\n');
    const published = await must('model', 'publish', join(dir, 'model.gguf'), '--name', 'tiny', '--version', '1', '--identity', 'creator');
    model = published.match(/model (\d+):/)![1];
    expect(await must('models', 'list', '--identity', 'consumer')).toBe(
      `model ${model}: tiny 1, text_generation, gguf, royalty 5%, public, creator ${who.creator.toText()}\n`,
    );
  });

  it('offers list, pause, resume and retire: only the provider changes its offer, and a retired one stays retired', async () => {
    const offer = (await must('provider', 'offer', model, '0.01', '--capacity', '2', '--identity', 'provider')).match(
      /offer (\d+) for/,
    )![1];
    const line = `offer ${offer} (active): models ${model}, 0.01 LIT per request, 0/2 in use, local, provider ${who.provider.toText()}`;
    expect(await must('offers', 'list', '--identity', 'consumer')).toBe(`${line}\n`);
    expect(await must('offers', 'list', '--model', model, '--identity', 'consumer')).toBe(`${line}\n`);
    expect(await must('offers', 'list', '--model', '99', '--identity', 'consumer')).toBe('no offers\n');
    expect(await must('offers', 'list', '--mine', '--identity', 'consumer')).toBe('no offers\n');
    expect(await must('offers', 'list', '--mine', '--identity', 'provider')).toBe(`${line}\n`);

    expect(await refused('offers', 'pause', offer, '--identity', 'consumer')).toMatch(/error: pause_offer refused: \{"Unauthorized":/);
    expect(await must('offers', 'pause', offer, '--identity', 'provider')).toBe(`offer ${offer} is paused\n`);
    expect(await must('offers', 'list', '--identity', 'consumer')).toContain(`offer ${offer} (paused)`);
    // A paused offer takes no job: the quote finds nobody.
    expect(await refused('job', 'submit', model, 'hello', '--identity', 'consumer')).toMatch(/error: quote refused: .*"Paused"/);
    expect(await must('offers', 'resume', offer, '--identity', 'provider')).toBe(`offer ${offer} is active\n`);
    expect(await must('offers', 'retire', offer, '--identity', 'provider')).toBe(`offer ${offer} is retired\n`);
    expect(await refused('offers', 'resume', offer, '--identity', 'provider')).toMatch(/error: resume_offer refused: \{"Retired":null\}/);
    expect(await refused('offers', 'halt', offer, '--identity', 'provider')).toMatch(/unknown command: offers halt/);
  });

  it('payment owed and withdraw: the provider withdraws exactly what the settled job credited it, once', async () => {
    await must('provider', 'offer', model, '0.01', '--identity', 'provider');
    const id = (await must('job', 'submit', model, 'hello', '--identity', 'consumer')).match(/job (\d+): matched/)![1];
    // Without a bridge in this suite, the admin reports the outcome, as the economy tests do.
    e.marketplace.setPrincipal(deployer);
    ok(await e.marketplace.complete_job(BigInt(id), new Uint8Array(32), [node]));
    expect(await must('payment', 'owed', '--identity', 'provider')).toBe('payment owes you 0.00792 LIT\n');
    expect(await refused('payment', 'withdraw', '1', '--identity', 'provider')).toMatch(
      /error: withdraw refused: \{"InsufficientOwed":\{"owed":"792000"\}\}/,
    );
    const before = await must('ledger', 'balance', '--identity', 'provider');
    expect(await must('payment', 'withdraw', '--identity', 'provider')).toMatch(
      /^withdrew 0\.00792 LIT of what payment owes you: 0\.00782 LIT reached your account \(ledger fee 0\.0001 LIT, block \d+\)\n$/,
    );
    expect(before).toBe('2.9998 LIT\n');
    expect(await must('ledger', 'balance', '--identity', 'provider')).toBe('3.00762 LIT\n');
    expect(await must('payment', 'owed', '--identity', 'provider')).toBe('payment owes you 0 LIT\n');
    expect(await refused('payment', 'withdraw', '--identity', 'provider')).toContain('error: payment owes you nothing to withdraw');
  });

  it('provider unbond and withdraw-stake: stake leaves the bond at once and is paid out only after the delay', async () => {
    expect(await refused('provider', 'unbond', '5', '--identity', 'provider')).toMatch(/error: unbond refused: /);
    const unbonding = await must('provider', 'unbond', '0.5', '--identity', 'provider');
    expect(unbonding).toMatch(/^unbonding 0\.5 LIT; bonded now 1\.5 LIT\n {2}0\.5 LIT released at \d{4}-\d\d-\d\dT/);
    expect(await refused('provider', 'withdraw-stake', '--identity', 'provider')).toMatch(
      /error: withdraw refused: \{"NothingToWithdraw":\{"next_release_at":\["\d+"\]\}\}/,
    );
    expect(await refused('provider', 'unbond', '1', '--identity', 'consumer')).toMatch(/error: unbond refused: /);
  });

  it('governance propose, vote and list: the deposit is approved and taken, power is the stake, a second vote is refused', async () => {
    expect(await must('governance', 'list', '--identity', 'consumer')).toBe('no proposals\n');
    expect(await refused('governance', 'propose', 'Upgrade', '--action', 'upgrade', '--identity', 'provider')).toContain(
      'error: no action upgrade: one of text, pause-intake, resume-intake',
    );
    const before = await must('ledger', 'balance', '--identity', 'consumer');
    const made = await must(
      'governance',
      'propose',
      'Pause intake for the migration',
      '--action',
      'pause-intake',
      '--identity',
      'consumer',
    );
    expect(made).toMatch(
      /^proposal 0 \(open\): "Pause intake for the migration", set_job_intake_paused; yes 0 LIT, no 0 LIT of 1\.5 LIT; voting ends .*; deposit 1 LIT\n$/,
    );
    // The deposit and two fees (the approve, the transfer_from) left the proposer's account.
    expect(before).toBe('4.9898 LIT\n');
    expect(await must('ledger', 'balance', '--identity', 'consumer')).toBe('3.9896 LIT\n');

    expect(await refused('governance', 'vote', '0', 'maybe', '--identity', 'provider')).toContain('error: vote yes or no, not "maybe"');
    expect(await refused('governance', 'vote', '0', 'yes', '--identity', 'creator')).toMatch(/error: vote refused: /);
    expect(await must('governance', 'vote', '0', 'no', '--identity', 'provider')).toMatch(
      /^proposal 0 \(\w+\): .*; yes 0 LIT, no 1\.5 LIT of 1\.5 LIT;/,
    );
    expect(await refused('governance', 'vote', '0', 'yes', '--identity', 'provider')).toMatch(/error: vote refused: /);
    expect(await refused('governance', 'vote', '7', 'yes', '--identity', 'provider')).toMatch(/error: vote refused: \{"NotFound":null\}/);
    expect(await must('governance', 'list', '--identity', 'creator')).toMatch(
      /^proposal 0 \(\w+\): "Pause intake for the migration", .*no 1\.5 LIT of 1\.5 LIT/,
    );
  });
});
