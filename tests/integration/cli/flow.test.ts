// The command line as people use it: separate processes talking to the local network over the IC's HTTP interface,
// for the whole flow. A creator publishes a model file, a provider registers, stakes, claims a worker's node and
// publishes an offer, a consumer submits a job, follows it to settlement and reads its output and the cost split
// payment recorded, then runs a second job in one command; a program then runs two jobs at once through one client.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connect } from '../../../src/cli/connect';
import { own } from '../../../src/sdk/ledger_args';
import { TextGenerator } from '../../../src/worker/runtime/text_generation';
import { JobRunner } from '../../../src/worker/server';
import { tinyLlamaGguf } from '../../../src/worker/test_model/tiny_llama';
import { NAMES, deployEconomy, mint, ok, serveWorker, type Economy } from '../economy/deploy';
import { serve, type Served } from '../gateway/fixture';
import { randomUser } from '../localnet/probe';
import { cliProcess, writeIds } from './cli_process';

describe('the command line', () => {
  let served: Served;
  let e: Economy;
  let generator: TextGenerator;
  let server: Server;
  const dir = mkdtempSync(join(tmpdir(), 'cli-'));
  const deployer = randomUser();
  const gguf = tinyLlamaGguf(42);

  const { cli, must } = cliProcess(dir, () => served.url);

  beforeAll(async () => {
    served = await serve();
    e = await deployEconomy(served.network, deployer, [...NAMES, 'bridge', 'verification', 'analytics']);
    writeIds(dir, e.ids);
    writeFileSync(join(dir, 'tiny.gguf'), gguf);
    generator = await TextGenerator.load(join(dir, 'tiny.gguf'), { contextSize: 256 });
  }, 60_000);
  afterAll(async () => {
    server?.close();
    await served?.close();
    await generator?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a model, a provider and a consumer through a job to its output and cost split', async () => {
    const principals: Record<string, Principal> = {};
    for (const name of ['creator', 'provider', 'consumer']) {
      expect(await must('identity', 'new', name)).toMatch(new RegExp(`created ${name}: `));
      principals[name] = Principal.fromText((await must('identity', 'whoami', '--identity', name)).trim().split('\n').pop()!);
    }
    expect(await must('identity', 'list')).toMatch(/\* creator\n {2}provider\n {2}consumer|\* creator/);
    for (const who of ['provider', 'consumer']) await mint(e, principals[who], 500_000_000n);
    expect(await must('ledger', 'balance', '--identity', 'consumer')).toMatch(/^5 LIT$/m);

    const published = await must(
      'model',
      'publish',
      join(dir, 'tiny.gguf'),
      '--name',
      'tiny-llama',
      '--version',
      '1',
      '--identity',
      'creator',
    );
    const model = published.match(/model (\d+):/)![1];
    expect(published).toContain(createHash('sha256').update(gguf).digest('hex'));

    await must('provider', 'register', 'acme', 'eu-west', '--identity', 'provider');
    e.identity.setPrincipal(deployer);
    ok(await e.identity.set_certification(principals.provider, { certified: null }, 'checked'));
    expect(await must('provider', 'stake', '1', '--identity', 'provider')).toMatch(/bonded 1 LIT/);

    // A worker (in this process) registers as a node; the provider claims it with the code it got.
    const node = randomUser();
    e.identity.setPrincipal(node);
    const ticket = ok(
      await e.identity.register_node({ gpu_model: [], vram_mib: 0, cpu_cores: 2, ram_mib: 4_096, description: 'test worker' }),
    );
    expect(await must('provider', 'claim', ticket.code, '--identity', 'provider')).toContain(`claimed node ${node.toText()}`);
    ({ server } = await serveWorker(
      e,
      node,
      new JobRunner({ text: { sha256: createHash('sha256').update(gguf).digest('hex'), generator } }),
    ));
    expect(await must('provider', 'offer', model, '0.01', '--capacity', '2', '--identity', 'provider')).toMatch(/offer \d+ for model/);

    const submitted = await must('job', 'submit', model, 'Why is the sky blue?', '--max-tokens', '16', '--identity', 'consumer');
    const [, id] = submitted.match(/job (\d+): (?:matched|dispatched), 0.01 LIT in escrow/)!;
    const shown = await must('job', 'wait', id, '--identity', 'consumer');
    expect(shown).toMatch(/job \d+: settled/);
    expect(shown).toContain(`provider: ${principals.provider.toText()}`);
    // 0.01 LIT less the 0.0001 fee, split 80 / 5 / 15.
    expect(shown).toContain('split: providers 0.00792 LIT, model creator 0.000495 LIT, treasury 0.001485 LIT, ledger fee 0.0001 LIT');
    const direct = await generator.generate('Why is the sky blue?', 16);
    expect(shown).toContain(`output: ${JSON.stringify(direct.text)}`);
    // 5 LIT less 0.01 escrowed and two fees (the approve, the transfer_from).
    expect(await must('ledger', 'balance', '--identity', 'consumer')).toMatch(/^4\.9898 LIT$/m);

    // Analytics saw the job through: one completed, its volume split as payment credited it.
    const figures = await must('analytics', 'summary', '1');
    expect(figures).toContain('1 submitted, 1 matched, 1 completed, 0 failed, 0 rejected (success 100%)');
    expect(figures).toContain(
      'volume 0.01 LIT: providers 0.00792 LIT, creators 0.000495 LIT, treasury 0.001485 LIT, ledger fees 0.0001 LIT',
    );
    expect(await must('analytics', 'leaderboard')).toContain(`1. ${principals.provider.toText()}: 0.00792 LIT, 1 completed`);
    // With one worker nobody can re-run the job, so the dispute is undecided and the deposit comes back.
    const disputed = await must('job', 'dispute', id, '--identity', 'consumer');
    expect(disputed).toContain(`disputing job ${id} with a deposit of 0.01 LIT`);
    expect(disputed).toContain('dispute undecided: only 0 auditor(s) answered: not audited; deposit returned');
    // Three more fees: the approve, the deposit's transfer_from and its return.
    expect(await must('ledger', 'balance', '--identity', 'consumer')).toMatch(/^4\.9895 LIT$/m);

    // job run: the SDK client's whole flow (quote, approve and submit, wait, output) in one command.
    expect(await must('job', 'run', model, 'Why is the sky blue?', '--max-tokens', '16', '--identity', 'consumer')).toBe(
      `${direct.text}\n`,
    );
    // 0.01 escrowed and two fees again.
    expect(await must('ledger', 'balance', '--identity', 'consumer')).toMatch(/^4\.9793 LIT$/m);

    // A program's two jobs at once through one client (the command line's connection, in this process): both are
    // paid and settle, though icrc2_approve replaces an allowance and payment pulls one escrow at a time from it.
    const program = Ed25519KeyIdentity.generate();
    await mint(e, program.getPrincipal(), 100_000_000n);
    const c = await connect(program, { network: served.url, ids: join(dir, 'ids.json') });
    const job = { maxTokens: 16, redundancy: 1, priority: false, maxPrice: 2_000_000n };
    const runs = await Promise.all([c.client.run(model, 'Why is the sky blue?', job), c.client.run(model, 'Why is the sky blue?', job)]);
    expect(runs.map((r) => r.text)).toEqual([direct.text, direct.text]);
    expect(new Set(runs.map((r) => r.job.id)).size).toBe(2);
    // 1 LIT less two jobs' 0.01 and two fees each; each escrow took all its approval, so none is left.
    expect(await c.ledger.icrc1_balance_of(own(program.getPrincipal()))).toBe(100_000_000n - 2n * (1_000_000n + 20_000n));
    const left = await c.ledger.icrc2_allowance({ account: own(program.getPrincipal()), spender: own(e.ids.payment) });
    expect(left.allowance).toBe(0n);
  }, 300_000);

  it('explains what went wrong instead of crashing', async () => {
    const { code, out } = await cli('job', 'show', '999', '--identity', 'consumer');
    expect(code).toBe(1);
    expect(out).toMatch(/error: get_job refused: \{"NotFound":null\}/);
    expect((await cli('ledger', 'transfer', 'aaaaa-aa', '1.123456789', '--identity', 'consumer')).out).toMatch(/more than 8 decimals/);
    expect((await cli('nonsense', 'command', '--identity', 'consumer')).out).toMatch(/unknown command/);
    expect((await cli('identity', 'new', 'bad name!')).out).toMatch(/identity names/);
  }, 60_000);
});
