// The local network speaks today's IC: the README's icp-cli walkthrough ("With icp-cli (or dfx)"), typed line by line
// as the README lists it into a shell with icp-cli 1.5 (the `icp` binary, a fresh HOME: tests/support/icp_cli.ts) in a
// project folder after `npm start`, against the started system (setup.ts). Identities are imported from PEM files:
// the deployer's, which npm start wrote, and a consumer's made here with openssl. The deployer mints to the
// consumer and the faucet gives it more; the consumer reads a quote (query), approves payment for it
// (icrc2_approve), submits the job (update), follows it with get_job until it is settled (queries, then once as an
// update), reads the output from the bridge, and its balance (an update) moved by exactly the price and the two
// ledger fees. Each line is one test, checked against its reply.
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { createHash, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { IcpCli } from '../support/icp_cli';
import { Terminal } from '../support/terminal';
import { projectFolder, readmeBlock, startedSystem } from './system';
import { eachLineInTurn, withPlaceholders } from './walkthrough_lines';

const LINES = readmeBlock('With icp-cli (or dfx)');

/** The number in `name = 1_000 : nat` (or without the type) of a Candid text reply. */
function field(reply: string, name: string): bigint {
  const match = new RegExp(`\\b${name} = ([\\d_]+)`).exec(reply);
  if (!match) throw new Error(`no ${name} in ${reply}`);
  return BigInt(match[1].replaceAll('_', ''));
}

/** The nat of a reply that is one: `(1_098_980_000 : nat)`. */
function nat(reply: string): bigint {
  const match = /^\(([\d_]+) : nat\)$/m.exec(reply);
  if (!match) throw new Error(`not a nat reply: ${reply}`);
  return BigInt(match[1].replaceAll('_', ''));
}

/** The hex of `name = blob "\\ab\\cd…"` in a Candid text reply. */
function blob(reply: string, name: string): string {
  const match = new RegExp(`\\b${name} = (?:opt )?blob "((?:\\\\[0-9a-f]{2})*)"`).exec(reply);
  if (!match) throw new Error(`no blob ${name} in ${reply}`);
  return match[1].replaceAll('\\', '');
}

describe("the README's icp-cli walkthrough: a whole job with icp-cli against npm start, signed with imported PEM identities", () => {
  const system = startedSystem();
  let folder: { dir: string; dispose: () => Promise<void> };
  let icp: IcpCli;
  let term: Terminal;
  // What replies said that later lines use: the README's <placeholders>, and the sums the balance must add up to.
  const read: { consumer?: string; minted?: bigint; claimed?: bigint; total?: bigint; id?: string; resultHash?: string } = {};

  beforeAll(async () => {
    folder = await projectFolder(system);
    icp = await IcpCli.create();
    term = await Terminal.open({
      cwd: folder.dir,
      env: { PATH: `${dirname(icp.binary)}:${process.env.PATH}`, HOME: icp.home, DO_NOT_TRACK: '1', NO_COLOR: '1' },
    });
  });

  afterAll(async () => {
    term?.close();
    await icp?.dispose();
    await folder?.dispose();
  });

  /** The line with each <placeholder> of its command replaced by what a reply said: <id>, <total + 10_000>. */
  function filled(line: string): string {
    return withPlaceholders(line, (name, whole) => {
      const plus = /^total \+ ([\d_]+)$/.exec(name);
      if (plus && read.total !== undefined) return `${read.total + BigInt(plus[1].replaceAll('_', ''))}`;
      if (name === 'id' && read.id !== undefined) return read.id;
      throw new Error(`${whole} in \`${line}\`: no earlier reply said it`);
    });
  }

  const echo = async (variable: string) => (await term.type(`echo "$${variable}"`)).stdout.trim();
  const fee = async () =>
    nat(
      await icp.call({
        network: system.url,
        canister: system.ids.ledger,
        method: 'icrc1_fee',
        candid: join(folder.dir, 'candid/ledger.did'),
        query: true,
      }),
    );
  /** The number a line's comment gives for a value, e.g. `# <total> = 1_000_000` or `# 1_098_980_000:`. */
  const said = (line: string, pattern: RegExp) => BigInt(pattern.exec(line.slice(line.indexOf('#')))![1].replaceAll('_', ''));
  let saidTotal: bigint | undefined;

  /** What each line must do; a line this does not know fails, so the README and this test move together. */
  async function check(line: string, out: string): Promise<void> {
    const is = (pattern: RegExp) => pattern.test(line);
    if (is(/^\. \.\/\.env/)) {
      expect(await echo('IC_HOST')).toBe(system.url);
      expect(await echo('CANISTER_ID_MARKETPLACE')).toBe(system.ids.marketplace);
    } else if (is(/^icp identity import deployer --from-pem \.localnet-state\/deployer\.pem/)) {
      expect((await icp.run(['identity', 'principal', '--identity', 'deployer'])).stdout.trim()).toBe(system.deployer);
    } else if (is(/^openssl genpkey -algorithm ed25519 -out consumer\.pem/)) {
      const key = createPrivateKey(await readFile(join(folder.dir, 'consumer.pem'), 'utf8'));
      expect(key.asymmetricKeyType).toBe('ed25519');
      const seed = Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url');
      read.consumer = Ed25519KeyIdentity.fromSecretKey(new Uint8Array(seed)).getPrincipal().toText();
    } else if (is(/^icp identity import consumer --from-pem consumer\.pem/)) {
      expect((await icp.run(['identity', 'principal', '--identity', 'consumer'])).stdout.trim()).toBe(read.consumer);
    } else if (is(/^CONSUMER=/)) {
      expect(await echo('CONSUMER')).toBe(read.consumer);
    } else if (is(/ icrc1_transfer .*--identity deployer/)) {
      // From the minting account, a transfer mints.
      expect(out).toMatch(/^\(variant \{ Ok = [\d_]+ : nat \}\)$/m);
      read.minted = field(line, 'amount');
    } else if (is(/\$CANISTER_ID_FAUCET claim /)) {
      expect(out).toMatch(/Ok = record \{/);
      read.claimed = field(out, 'amount');
      expect(read.claimed).toBe(1_000_000_000n);
    } else if (is(/^PROMPT=/) || is(/^REQUEST=/)) {
      // Shell variables; the request is checked by the canister when it is quoted and submitted.
    } else if (is(/^HASH=/)) {
      const prompt = await echo('PROMPT');
      const hex = createHash('sha256').update(prompt).digest('hex');
      expect(await echo('HASH')).toBe(hex.replace(/../g, '\\$&'));
    } else if (is(/ quote "\$REQUEST" --query /)) {
      expect(out).toMatch(/variant \{\s*Ok = record \{/);
      read.total = field(out, 'total');
      expect(read.total).toBeGreaterThan(0n);
      // The README's figure is the demo offer's price at the base rate (more when its worker is busy).
      saidTotal = said(line, /<total> = ([\d_]+)/);
      expect(read.total).toBeGreaterThanOrEqual(saidTotal);
    } else if (is(/ icrc2_approve /)) {
      expect(line).toContain('<total + 10_000>');
      expect(await fee()).toBe(10_000n);
      expect(out).toMatch(/^\(variant \{ Ok = [\d_]+ : nat \}\)$/m);
    } else if (is(/ submit_job "\$REQUEST" /)) {
      expect(line).not.toContain('--query');
      read.id = `${field(out, 'id')}`;
      expect(out).toMatch(/state = variant \{ (?:dispatched|completed|settled) \}/);
      expect(field(out, 'price')).toBe(read.total);
      expect(out).toContain(`consumer = principal "${read.consumer}"`);
    } else if (is(/ get_job '\(<id>\)' --query /)) {
      // Again until it is settled, as the README says.
      let reply = out;
      for (const started = Date.now(); !reply.includes('state = variant { settled }') && Date.now() - started < 60_000;) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        reply = (await term.type(filled(line))).stdout;
      }
      expect(reply).toContain('state = variant { settled }');
      // The same method as an update call: a certified answer, the same job.
      const update = (await term.type(filled(line).replace(' --query', ''))).stdout;
      expect(update).toContain('state = variant { settled }');
      read.resultHash = blob(update, 'result_hash');
      expect(blob(reply, 'result_hash')).toBe(read.resultHash);
    } else if (is(/ get_output '\(<id>\)' --query /)) {
      expect(out).toContain(`job_id = ${read.id} : nat64`);
      expect(out).toContain(`consumer = principal "${read.consumer}"`);
      expect(out).toMatch(/"text" = opt ".*";/);
      const tokens = /tokens = vec \{([^}]*)\}/
        .exec(out)![1]
        .split(';')
        .filter((t) => t.trim() !== '');
      expect(tokens.length).toBeGreaterThan(0);
      expect(tokens.length).toBeLessThanOrEqual(16); // max_tokens
      expect(blob(out, 'output_sha256')).toBe(read.resultHash);
      expect(out).toMatch(/runtime = "node-llama-cpp /);
    } else if (is(/ icrc1_balance_of .*\$CONSUMER/)) {
      expect(line).not.toContain('--query');
      // Everything the consumer got, less the approve's fee, the job's total and payment's transfer_from fee.
      const ledgerFee = await fee();
      expect(nat(out)).toBe(read.minted! + read.claimed! - ledgerFee - read.total! - ledgerFee);
      // And the README's sum, with its figure for the total.
      expect(said(line, /# ([\d_]+):/)).toBe(read.minted! + read.claimed! - 2n * ledgerFee - saidTotal!);
    } else {
      throw new Error(`the walkthrough's line \`${line}\` has no check here: add one`);
    }
  }

  it('is the README block this test knows: identities, tokens, then the job and its output', () => {
    const steps = LINES.map(
      (line) => /^(\. \.\/\.env|icp identity import \S+|openssl|[A-Z]+=|icp canister call \$\S+ \S+)/.exec(line)?.[1],
    );
    expect(steps).toEqual([
      '. ./.env',
      'icp identity import deployer',
      'openssl',
      'icp identity import consumer',
      'CONSUMER=',
      'icp canister call $CANISTER_ID_LEDGER icrc1_transfer',
      'icp canister call $CANISTER_ID_FAUCET claim',
      'PROMPT=',
      'HASH=',
      'REQUEST=',
      'icp canister call $CANISTER_ID_MARKETPLACE quote',
      'icp canister call $CANISTER_ID_LEDGER icrc2_approve',
      'icp canister call $CANISTER_ID_MARKETPLACE submit_job',
      'icp canister call $CANISTER_ID_MARKETPLACE get_job',
      'icp canister call $CANISTER_ID_BRIDGE get_output',
      'icp canister call $CANISTER_ID_LEDGER icrc1_balance_of',
    ]);
  });

  eachLineInTurn(
    LINES,
    (line) => line.replace(/\s+#.*$/, '').slice(0, 110),
    async (line) => check(line, (await term.type(filled(line))).stdout),
  );
});
