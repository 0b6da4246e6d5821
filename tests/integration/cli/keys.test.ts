// `keys create|list|revoke` as people type them, against the real api canister (with the economy it checks the
// allowance on) on the local network: no key without an allowance to payment, then the secret printed once, a list
// with the hint and never the secret, revocation by the owner only, and bad terms refused with the reason.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NAMES, deployEconomy, mint, type Economy } from '../economy/deploy';
import { serve, type Served } from '../gateway/fixture';
import { randomUser } from '../localnet/probe';
import { cliProcess, writeIds } from './cli_process';

describe('API keys on the command line', () => {
  let served: Served;
  let e: Economy;
  const dir = mkdtempSync(join(tmpdir(), 'cli-keys-'));
  const who: Record<string, Principal> = {};
  let secret = '';
  let id = '';

  const { must, refused } = cliProcess(dir, () => served.url);

  beforeAll(async () => {
    served = await serve();
    e = await deployEconomy(served.network, randomUser(), [...NAMES, 'analytics', 'api']);
    writeIds(dir, e.ids);
    for (const name of ['owner', 'stranger']) {
      await must('identity', 'new', name);
      who[name] = Principal.fromText((await must('identity', 'whoami', '--identity', name)).trim());
      await mint(e, who[name], 500_000_000n);
    }
  }, 240_000);
  afterAll(async () => {
    await served?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a key to an owner without an allowance to payment, naming the approve command', async () => {
    const out = await refused('keys', 'create', '--name', 'bot', '--cap', '1', '--identity', 'owner');
    expect(out).toContain(`a key spends from your allowance to payment (${e.ids.payment.toText()}), and you have none`);
    expect(out).toContain('npm run cli -- ledger approve payment 1');
  });

  it('creates a key: the secret once, the base URL and a request to try', async () => {
    await must('ledger', 'approve', 'payment', '2', '--identity', 'owner');
    const out = await must('keys', 'create', '--name', 'bot', '--cap', '1', '--expires', '7', '--rpm', '30', '--identity', 'owner');
    [, secret, id] =
      /SECRET \(shown only now; it cannot be shown again, store it somewhere safe\):\n {2}(sk-icp-(\d+)-\S+)\n/.exec(out) ?? [];
    expect(secret).toMatch(/^sk-icp-\d+-[A-Za-z0-9_-]{43}$/);
    const base = `http://${e.ids.api.toText()}.localhost:${new URL(served.url).port}/v1`;
    expect(out).toContain(`base URL: ${base}\n`);
    expect(out).toContain(`curl ${base}/chat/completions -H "Authorization: Bearer ${secret}"`);
    expect(out).toMatch(
      new RegExp(
        `^key ${id} "bot" \\(live\\) sk-icp-…${secret.slice(-4)}: spent 0 LIT \\+ held 0 LIT of 1 LIT, 0 requests, never used, expires \\S+, models all, 30/min$`,
        'm',
      ),
    );
  });

  it('lists the key with its hint and never its secret; a stranger sees none', async () => {
    const out = await must('keys', 'list', '--identity', 'owner');
    expect(out).toContain(`key ${id} "bot" (live) sk-icp-…${secret.slice(-4)}: spent 0 LIT + held 0 LIT of 1 LIT, 0 requests`);
    expect(out).not.toContain(secret);
    expect(await must('keys', 'list', '--identity', 'stranger')).toBe(
      'no keys (npm run cli -- keys create --name <name> --cap <tokens>)\n',
    );
  });

  it('lets only the owner revoke it, and lists it revoked after', async () => {
    expect(await refused('keys', 'revoke', id, '--identity', 'stranger')).toContain('error: you have no key with that id');
    expect(await must('keys', 'list', '--identity', 'owner')).toContain(`key ${id} "bot" (live)`);
    expect(await must('keys', 'revoke', id, '--identity', 'owner')).toBe(
      `key ${id} "bot" is revoked: requests with it are refused from now on\n`,
    );
    expect(await must('keys', 'list', '--identity', 'owner')).toMatch(new RegExp(`^key ${id} "bot" \\(revoked at \\S+\\) sk-icp-…`, 'm'));
    expect(await refused('keys', 'revoke', '999', '--identity', 'owner')).toContain('error: you have no key with that id');
  });

  it('refuses bad terms with the reason', async () => {
    expect(await refused('keys', 'create', '--name', 'bot', '--cap', '0', '--identity', 'owner')).toContain(
      'error: invalid key terms: spend_cap: more than 0',
    );
    expect(await refused('keys', 'create', '--name', 'bot', '--cap', '1', '--rpm', '0', '--identity', 'owner')).toContain(
      'error: invalid key terms: requests_per_minute: 1 to 600',
    );
    expect(await refused('keys', 'create', '--name', 'n'.repeat(65), '--cap', '1', '--identity', 'owner')).toContain(
      'error: invalid key terms: name: 1 to 64 bytes',
    );
    expect(await refused('keys', 'create', '--name', 'bot', '--cap', '1', '--expires', '2020-01-01', '--identity', 'owner')).toContain(
      'error: invalid key terms: expires_at: in the future',
    );
    expect(await refused('keys', 'create', '--cap', '1', '--identity', 'owner')).toContain(
      'error: keys create needs --name <name> and --cap <tokens>',
    );
    expect(await must('keys', 'list', '--identity', 'owner')).not.toContain('(live)');
  });
});
