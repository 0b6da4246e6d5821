// People use the market: the README's command-line walkthrough ("The command line"), typed line by line as the
// README lists it into a shell in a project folder after `npm start`, with a fresh ICP_MARKET_HOME, against the
// started system's demo market (setup.ts). Buying: an identity, the faucet, a job on the demo text model, its result
// and a dispute. Selling: a model of one's own, a provider registered (certified at once here), staked, a worker
// (`npm run worker`, its own process) claimed with the code it prints, an offer, and a job that offer serves; then
// the analytics. Each line is one test, checked against what it printed.
//
// The one liberty: `npm run cli -- …` and `npm run worker -- …` are a shell function that runs the same files as
// package.json's scripts (checked below) in the folder the lines are typed in, adding `--network <url>` (the worker:
// `--host <url> --port 0`), since this npm start listens on a free port rather than 4943 (and 8081 may be taken).
import { Actor, HttpAgent } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { idlFactory as identityIdl, type IdentityService } from '../../src/sdk/identity';
import { idlFactory as marketplaceIdl, type MarketplaceService } from '../../src/sdk/marketplace';
import { alive, gone, ROOT, TSX } from '../support/npm_start';
import { Terminal } from '../support/terminal';
import { projectFolder, readmeBlock, startedSystem } from './system';
import { eachLineInTurn, withPlaceholders } from './walkthrough_lines';

const LINES = readmeBlock('The command line');

// `npm run <script> -- <args>` for the walkthrough's two scripts; the worker runs in the background (a person gives it
// a terminal of its own), its output in worker.log, and the line returns once it printed its claim code.
const NPM = [
  'npm() { case "$1 $2 $3" in',
  '"run cli --") shift 3; node --import "$TSX" "$ROOT/src/cli/main.ts" "$@" --network "$IC_HOST" ;;',
  '"run worker --") shift 3; node --import "$TSX" "$ROOT/src/worker/main.ts" "$@" --host "$IC_HOST" --port 0 >worker.log 2>&1 & echo $! >worker.pid;',
  'until grep -q "claim code" worker.log || ! kill -0 "$(cat worker.pid)" 2>/dev/null; do sleep 0.2; done; cat worker.log; kill -0 "$(cat worker.pid)" ;;',
  '*) echo "npm $*: not a step of the walkthrough" >&2; return 127 ;;',
  'esac; }',
].join(' ');

describe("the README's command-line walkthrough, against npm start's demo market from a fresh home", () => {
  const system = startedSystem();
  let folder: { dir: string; dispose: () => Promise<void> };
  let term: Terminal;
  // What earlier lines printed that later lines use, as a person copies it: the README's <placeholders>.
  const read: { me?: string; id?: string; 'model-id'?: string; code?: string; node?: string; offer?: string } = {};

  beforeAll(async () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect([scripts.cli, scripts.worker]).toEqual(['tsx src/cli/main.ts', 'tsx src/worker/main.ts']);
    folder = await projectFolder(system);
    term = await Terminal.open({
      cwd: folder.dir,
      env: {
        PATH: process.env.PATH,
        HOME: folder.dir,
        ICP_MARKET_HOME: join(folder.dir, 'market-home'),
        NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true',
        IC_HOST: system.url,
        TSX,
        ROOT,
      },
    });
    await term.type(NPM);
  });

  afterAll(async () => {
    const pid = Number(await readFile(join(folder.dir, 'worker.pid'), 'utf8').catch(() => '0'));
    if (pid > 0 && alive(pid)) {
      process.kill(pid, 'SIGTERM');
      expect(await gone([pid])).toBe(true);
    }
    term?.close();
    await folder?.dispose();
  });

  it('is the README block this test knows: buying, then selling, then the analytics', () => {
    const commands = LINES.map((line) => /^npm run (cli -- \S+ \S+|worker)/.exec(line)?.[1]);
    expect(commands).toEqual([
      'cli -- identity new',
      'cli -- ledger faucet',
      'cli -- job submit',
      'cli -- job wait',
      'cli -- job dispute',
      'cli -- model publish',
      'cli -- provider register',
      'cli -- provider stake',
      'worker',
      'cli -- provider claim',
      'cli -- provider offer',
      'cli -- job submit',
      'cli -- job wait',
      'cli -- analytics summary',
      'cli -- analytics leaderboard',
    ]);
  });

  /** The line with each <placeholder> of its command (not of its comment) replaced by what an earlier line printed. */
  function filled(line: string): string {
    return withPlaceholders(line, (name, whole) => {
      const value = read[name as keyof typeof read];
      if (value === undefined) throw new Error(`${whole} in \`${line}\`: no earlier line printed it`);
      return value;
    });
  }

  /** What each line must print; a line this does not know fails, so the README and this test move together. */
  async function check(line: string, out: string): Promise<void> {
    const command = line.startsWith('npm run worker ') ? 'worker' : /^npm run cli -- (\S+ \S+)/.exec(line)?.[1];
    const match = (pattern: RegExp) => {
      const found = pattern.exec(out);
      if (!found) throw new Error(`\`${line}\` printed no ${pattern}:\n${out}\n\nTranscript:\n${term.transcript()}`);
      return found;
    };
    switch (command) {
      case 'identity new':
        read.me = match(/^created alice: (\S+)$/m)[1];
        return;
      case 'ledger faucet': {
        match(/^received 10 LIT from the faucet \(block \d+\)\nbalance 10 LIT; next claim possible at \S+Z$/m);
        // Once a day: asking again is refused, with the time of the next claim.
        const again = await term.type('npm run cli -- ledger faucet', { allowFailure: true });
        expect(again.code).toBe(1);
        expect(again.stderr).toMatch(/the faucet refused: you claimed 10 LIT today, your daily limit; the next claim is possible at \S+Z/);
        return;
      }
      case 'job submit':
        read.id = match(/^job (\d+): (?:dispatched|completed|settled), [\d.]+ LIT in escrow$/m)[1];
        return;
      case 'job wait': {
        match(new RegExp(`^job ${read.id}: settled$`, 'm'));
        match(/^state: settled$/m);
        const provider = match(/^provider: (\S+) \(offer (\d+), quote [\d.]+ LIT\)$/m);
        // The first job goes to the demo provider; the one on your own model to your own offer.
        if (read.offer === undefined) expect(provider.slice(1)).toEqual([system.demo.provider, system.demo.textOffer]);
        else expect(provider.slice(1)).toEqual([read.me, read.offer]);
        match(/^split: providers [\d.]+ LIT, model creator [\d.]+ LIT, treasury [\d.]+ LIT, ledger fee 0\.0001 LIT$/m);
        match(/^output: ".*"$/m);
        match(/^tokens: [1-9]\d*, sha256 [0-9a-f]{64}, node-llama-cpp /m);
        return;
      }
      case 'job dispute':
        // With no two other nodes for the model, the audit cannot decide and the deposit comes back.
        match(new RegExp(`^disputing job ${read.id} with a deposit of [\\d.]+ LIT; auditing\\.\\.\\.$`, 'm'));
        match(/^dispute (?:undecided|upheld|rejected): .+; deposit (?:returned|forfeited to the treasury)$/m);
        return;
      case 'model publish': {
        const [, id, sha] = match(/^model (\d+): tiny-llama 1, sha256 ([0-9a-f]{64})$/m);
        read['model-id'] = id;
        const { createHash } = await import('node:crypto');
        expect(sha).toBe(
          createHash('sha256')
            .update(await readFile(join(folder.dir, 'models/tiny-llama-synthetic-42.gguf')))
            .digest('hex'),
        );
        return;
      }
      case 'provider register':
        match(
          new RegExp(
            `^registered ${read.me} as provider acme \\(eu-west\\); certified \\(this network certifies providers as they register\\)$`,
            'm',
          ),
        );
        return;
      case 'provider stake':
        match(/^bonded 1 LIT$/m);
        return;
      case 'worker':
        read.node = match(/^worker: node (\S+) \(key created at \.worker\/key\.json\)$/m)[1];
        match(new RegExp(`^worker: serving tiny-llama 1 \\(text_generation\\) on node-llama-cpp `, 'm'));
        read.code = match(/^worker: claim code (\S+) \(expires \S+\)$/m)[1];
        return;
      case 'provider claim': {
        match(new RegExp(`^claimed node ${read.node}$`, 'm'));
        // In its terminal the worker says it is ready once it sees the claim and told the bridge where it is.
        let log = '';
        for (const started = Date.now(); !log.includes('worker: ready') && Date.now() - started < 30_000;) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          log = await readFile(join(folder.dir, 'worker.log'), 'utf8');
        }
        expect(log).toContain(`worker: claimed by ${read.me}`);
        expect(log).toContain('worker: ready');
        return;
      }
      case 'provider offer':
        read.offer = match(new RegExp(`^offer (\\d+) for model ${read['model-id']} at 0\\.01 LIT per request, 2 at a time$`, 'm'))[1];
        expect(out).not.toContain('not certified');
        return;
      case 'analytics summary':
        match(/^jobs: (\d+) submitted, \d+ matched, \d+ completed, \d+ failed, \d+ rejected \(success \d+%\)$/m);
        expect(Number(match(/^jobs: (\d+) submitted/m)[1])).toBeGreaterThanOrEqual(2);
        match(/^latency: p50 \d+ ms, p95 \d+ ms; runs \d+, tokens \d+$/m);
        match(
          /^volume [\d.]+ LIT: providers [\d.]+ LIT, creators [\d.]+ LIT, treasury [\d.]+ LIT, ledger fees [\d.]+ LIT, refunds [\d.]+ LIT$/m,
        );
        return;
      case 'analytics leaderboard':
        // Both providers of this walkthrough's jobs earned in the last 24 hours.
        match(new RegExp(`^\\d+\\. ${system.demo.provider}: [\\d.]+ LIT, \\d+ completed, success \\d+%$`, 'm'));
        match(new RegExp(`^\\d+\\. ${read.me}: [\\d.]+ LIT, \\d+ completed, success \\d+%$`, 'm'));
        return;
    }
    throw new Error(`the walkthrough's line \`${line}\` has no check here: add one`);
  }

  const broken = eachLineInTurn(
    LINES,
    (line) => line.replace(/\s+#.*$/, ''),
    async (line) => check(line, (await term.type(filled(line))).stdout),
  );

  it('leaves a certified, matchable provider whose node is claimed and whose offer serves the new model', async (context) => {
    if (broken()) context.skip();
    const agent = await HttpAgent.create({ host: system.url, shouldFetchRootKey: true });
    const me = Principal.fromText(read.me!);
    const identity = Actor.createActor<IdentityService>(identityIdl, { agent, canisterId: system.ids.identity });
    expect(await identity.standing(me)).toMatchObject({ certified: true, matchable: true });
    expect((await identity.nodes_of(me)).map((n) => [n.id.toText(), Object.keys(n.status)[0]])).toEqual([[read.node, 'claimed']]);
    const marketplace = Actor.createActor<MarketplaceService>(marketplaceIdl, { agent, canisterId: system.ids.marketplace });
    const offers = await marketplace.list_offers({ provider: [me], model: [] }, { offset: 0n, limit: 10 });
    expect('Ok' in offers && offers.Ok.offers.map((o) => [`${o.id}`, Array.from(o.terms.models, String)])).toEqual([
      [read.offer, [read['model-id']]],
    ]);
  });
});
