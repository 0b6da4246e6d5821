// The chaos run (issue 15, item 4), shared by bench/chaos.ts and tests/integration/economy/chaos_small.test.ts: the
// economy, the bridge and verification on one local network (tests/integration/trust/bridge_fixture.ts), workers of
// which a fifth misbehave (crash mid-job, answer slowly or past the outcall timeout, lie in a well-formed answer, answer malformed, refuse),
// consumers submitting waves of jobs of one or two replicas (a few long), and the marketplace, payment and the
// bridge upgraded while jobs are in flight. A consumer whose result differs from the honest one disputes it (of two
// replicas that agreed on a lie, both are judged). Then the money is counted from the ledger's log. One seed decides everything, so a failure replays.
import { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';

import { accountKey } from '../canisters/ledger/accounts';
import type { Account } from '../canisters/ledger/types';
import type { Job } from '../canisters/marketplace/job_types';
import { LONG_JOB_TOKENS } from '../canisters/shared/job_limits';
import { random } from '../src/shared/random';
import {
  deployTrust,
  honest,
  honestAnswer,
  alter,
  serveNode,
  type Handler,
  type Trust,
  type Worker,
} from '../tests/integration/trust/bridge_fixture';
import { STAKE, WASM, account, approve, jobRequest, mint, ok, PROMPT, rankByPrice } from '../tests/integration/economy/deploy';
import { randomUser } from '../tests/integration/localnet/probe';

export type ChaosOptions = {
  jobs: number;
  seed: number;
  /** Workers in all; a fifth of them (at least one) misbehave. */
  workers?: number;
  /** Jobs submitted together, one per consumer. */
  wave?: number;
  /** What misbehaving workers do, drawn per job (FAULTS, every kind, unless given). */
  faults?: Fault[];
  log?: (line: string) => void;
};

export type Fault = 'crash' | 'slow' | 'late' | 'wrong' | 'bad_json' | 'wrong_hash' | 'refuse';
export const FAULTS: Fault[] = ['crash', 'slow', 'late', 'wrong', 'bad_json', 'wrong_hash', 'refuse'];
/** Past the local network's outcall timeout (30 s, src/localnet/management/http_outcall.ts). */
const LATE_MS = 31_000;

export type Check = { name: string; ok: boolean; detail: string };
export type ChaosReport = {
  seed: number;
  jobs: number;
  states: Record<string, number>;
  disputes: Record<string, number>;
  faults: Record<Fault, number>;
  upgrades: string[];
  tokens: { holder: string; amount: bigint }[];
  checks: Check[];
  seconds: number;
};

/** disputed: the consumer disputed the result; refused: why the bridge refused its dispute. */
type Tracked = { job: Job; consumer: Principal; disputed: boolean; refused?: string };

const TERMINAL = ['settled', 'refunded', 'rejected'];
const stateOf = (job: Job) => Object.keys(job.state)[0];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A uniform draw in [0, 1) fixed by the seed, the job and the worker: every replica of an outcall posts the job,
 * in whatever order, and must meet the same behaviour.
 */
function draw(seed: number, jobId: string, worker: number, salt: string): number {
  return createHash('sha256').update(`${seed}:${jobId}:${worker}:${salt}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** A misbehaving worker: honest on some jobs, on the others one fault drawn for the job; each fault noted once per job. */
function chaotic(t: Trust, seed: number, index: number, kinds: Fault[], noted: Map<string, Fault>): Handler {
  const truth = honest(t);
  return async (body, bridge) => {
    if (draw(seed, body.job_id, index, 'misbehaves') < 0.15) return truth(body, bridge);
    const drawn = kinds[Math.floor(draw(seed, body.job_id, index, 'fault') * kinds.length)];
    // A late answer holds its wave 30 s: one in four of those drawn is late, the others merely slow.
    const fault = drawn === 'late' && draw(seed, body.job_id, index, 'late') >= 0.25 ? 'slow' : drawn;
    // A long job is only acknowledged in the outcall: a worker can crash or refuse there, the rest is posted later.
    if (body.mode === 'async' && fault !== 'crash' && fault !== 'refuse') return truth(body, bridge);
    noted.set(`${body.job_id}:${index}`, fault);
    switch (fault) {
      case 'crash':
        throw new Error('the worker crashed mid-job');
      case 'refuse':
        return { status: 503, body: JSON.stringify({ error: 'busy' }) };
      case 'slow':
        await sleep(200 + Math.floor(draw(seed, body.job_id, index, 'delay') * 1_000));
        return truth(body, bridge);
      case 'late':
        await sleep(LATE_MS);
        return truth(body, bridge);
      case 'wrong':
        return { status: 200, body: alter(await honestAnswer(t, body), (answer) => void ((answer.tokens as number[])[0] += 1)) };
      case 'bad_json':
        return { status: 200, body: '{"tokens": [1, 2' };
      case 'wrong_hash': {
        const answer = JSON.parse(new TextDecoder().decode(await honestAnswer(t, body)));
        return { status: 200, body: JSON.stringify({ ...answer, output_sha256: '00'.repeat(32) }) };
      }
    }
  };
}

/** Every account the ledger's log names, keyed by accountKey. */
async function ledgerAccounts(t: Trust): Promise<{ accounts: Map<string, Account>; minted: bigint; burned: bigint; fees: bigint }> {
  const accounts = new Map<string, Account>();
  const note = (a: Account) => accounts.set(accountKey(a), a);
  let [minted, burned, fees] = [0n, 0n, 0n];
  const { log_length } = await t.e.ledger.get_transactions({ start: 0n, length: 0n });
  for (let start = 0n; start < log_length;) {
    const { transactions } = await t.e.ledger.get_transactions({ start, length: log_length - start });
    if (transactions.length === 0) throw new Error(`the ledger returned no transactions from ${start}`);
    start += BigInt(transactions.length);
    for (const tx of transactions) {
      for (const m of tx.mint) (note(m.to), (minted += m.amount));
      for (const b of tx.burn) (note(b.from), (burned += b.amount));
      for (const x of tx.transfer) (note(x.from), note(x.to), (fees += x.fee[0] ?? 0n));
      for (const a of tx.approve) (note(a.from), (fees += a.fee[0] ?? 0n));
    }
  }
  return { accounts, minted, burned, fees };
}

/** The run: see the file's head. Never throws for a failed check; the report lists them. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { jobs, seed, workers: workerCount = 10, wave = 4 } = options;
  const log = options.log ?? (() => {});
  const started = performance.now();
  const rnd = random(seed);
  const t = await deployTrust();
  try {
    const { e, network } = t;
    const faults = new Map<string, Fault>();
    const misbehaving = Math.max(1, Math.round(workerCount / 5));
    // Matching by price alone: a slashed liar's lowered reputation would otherwise soon keep it from any job.
    await rankByPrice(e);
    const workers: Worker[] = [];
    for (let i = 0; i < workerCount; i++) {
      // Misbehaving providers are the cheapest, so matching keeps giving them jobs, and stake more, so slashes
      // (10% each) keep them matched for a while.
      const price = (i < misbehaving ? 800_000n : 900_000n) + BigInt(Math.floor(rnd() * 100_000));
      const handler = i < misbehaving ? chaotic(t, seed, i, options.faults ?? FAULTS, faults) : honest(t);
      workers.push(await serveNode(t, handler, price, i < misbehaving ? 10n * STAKE : STAKE));
    }
    const consumers = Array.from({ length: wave }, () => randomUser());
    for (const consumer of consumers) {
      await mint(e, consumer, 1_000_000_000_000n);
      await approve(e, consumer, e.ids.payment, 1_000_000_000_000n);
    }
    // The honest output of PROMPT at each length: what a consumer compares its result with.
    const honestSha = new Map<number, string>();
    const expected = async (maxTokens: number) => {
      if (!honestSha.has(maxTokens)) {
        const body = {
          job_id: '0',
          kind: 'text_generation' as const,
          model_sha256: t.sha.toString('hex'),
          input: PROMPT,
          max_tokens: maxTokens,
        };
        honestSha.set(maxTokens, JSON.parse(new TextDecoder().decode(await honestAnswer(t, body))).output_sha256);
      }
      return honestSha.get(maxTokens)!;
    };

    const waves = Math.ceil(jobs / wave);
    const upgradeCount = Math.max(3, Math.round(jobs / 100));
    const upgradesAt = new Map<number, 'marketplace' | 'payment' | 'bridge'>();
    for (let k = 1; k <= upgradeCount; k++)
      upgradesAt.set(Math.floor((k * waves) / (upgradeCount + 1)), (['marketplace', 'payment', 'bridge'] as const)[(k - 1) % 3]);
    const upgrades: string[] = [];
    const tracked: Tracked[] = [];

    for (let w = 0, submitted = 0; w < waves; w++) {
      const size = Math.min(wave, jobs - submitted);
      const requests = Array.from({ length: size }, () =>
        jobRequest(t.model, {
          redundancy: rnd() < 0.3 ? 2 : 1,
          max_tokens: rnd() < 0.03 ? LONG_JOB_TOKENS : 4 + Math.floor(rnd() * 29),
        }),
      );
      // The actor records the sender at call time: set the principal, then send.
      const results = await Promise.all(
        requests.map((request, k) => {
          e.marketplace.setPrincipal(consumers[k]);
          return e.marketplace.submit_job(request);
        }),
      );
      const open: Tracked[] = [];
      results.forEach((result, k) => {
        if ('Ok' in result) open.push({ job: result.Ok, consumer: consumers[k], disputed: false });
        else log(`  wave ${w}: submit_job refused: ${JSON.stringify(result.Err)}`);
      });
      tracked.push(...open);
      submitted += size;
      const upgrade = upgradesAt.get(w);
      if (upgrade !== undefined) {
        // Jobs of this wave are matched and handed over, some in their outcalls, when the canister is replaced.
        await network.tick();
        await network.upgradeCanister({ canisterId: e.ids[upgrade], wasm: WASM[upgrade], sender: e.deployer });
        upgrades.push(`${upgrade} at job ${submitted}`);
        log(`  upgraded ${upgrade} with ${open.length} jobs in flight`);
      }
      await drain(t, open, expected);
      if ((w + 1) % Math.max(1, Math.floor(waves / 10)) === 0) log(`  ${submitted} / ${jobs} jobs`);
    }
    // Whatever is left to retry (payment's transfers, pushes) gets its timers. Short of the bridge's probe
    // interval: the fixture's workers answer only POST /jobs and GET /node.
    for (let i = 0; i < 10; i++) {
      await network.advanceTime(5_000);
      await network.tick();
    }
    const report = await audit(t, tracked, faults, workers, consumers);
    return { ...report, seed, jobs, upgrades, seconds: (performance.now() - started) / 1000 };
  } finally {
    await t.close();
  }
}

/**
 * Ticks until every job of the wave is terminal and every dispute ruled; a settled job whose result is not the
 * honest one is disputed by its consumer. A job still open after many ticks is left for the checks.
 */
async function drain(t: Trust, open: Tracked[], expected: (maxTokens: number) => Promise<string>) {
  const { e, network } = t;
  for (let i = 1; open.length > 0 && i <= 1_000; i++) {
    await network.tick();
    for (const item of [...open]) {
      e.marketplace.setPrincipal(item.consumer);
      item.job = ok(await e.marketplace.get_job(item.job.id));
      if (!TERMINAL.includes(stateOf(item.job))) continue;
      const [hash] = item.job.result_hash;
      if (
        'settled' in item.job.state &&
        !item.disputed &&
        item.refused === undefined &&
        hash !== undefined
      ) {
        if (Buffer.from(hash).toString('hex') !== (await expected(item.job.request.max_tokens))) {
          e.bridge!.setPrincipal(item.consumer);
          const disputed = await e.bridge!.dispute(item.job.id);
          if ('Ok' in disputed) {
            item.disputed = true;
            continue;
          }
          item.refused = JSON.stringify(disputed.Err, (_, x) => (typeof x === 'bigint' ? `${x}` : x));
        }
      }
      if (item.disputed) {
        const [dispute] = await e.bridge!.dispute_of(item.job.id);
        if (dispute === undefined || 'open' in dispute.state || !dispute.deposit_resolved) continue;
      }
      open.splice(open.indexOf(item), 1);
    }
    await sleep(20);
  }
}

/** The end-of-run checks: job states, the ledger's books, where every token is, the liars and the consumers. */
async function audit(
  t: Trust,
  tracked: Tracked[],
  faults: Map<string, Fault>,
  workers: Worker[],
  consumers: Principal[],
): Promise<Omit<ChaosReport, 'seed' | 'jobs' | 'upgrades' | 'seconds'>> {
  const { e } = t;
  const checks: Check[] = [];
  const check = (name: string, passed: boolean, detail: string) => checks.push({ name, ok: passed, detail });
  const count = (keys: string[]) => keys.reduce<Record<string, number>>((n, k) => ({ ...n, [k]: (n[k] ?? 0) + 1 }), {});

  const states = count(tracked.map(({ job }) => stateOf(job)));
  const stuck = tracked.filter(({ job }) => !TERMINAL.includes(stateOf(job))).map(({ job }) => `${job.id}: ${stateOf(job)}`);
  check('every job terminal (settled, refunded, rejected)', stuck.length === 0, stuck.join(', ') || `${tracked.length} jobs`);

  const disputeStates: string[] = [];
  for (const { job, disputed } of tracked) {
    if (!disputed) continue;
    const [dispute] = await e.bridge!.dispute_of(job.id);
    disputeStates.push(dispute === undefined ? 'missing' : Object.keys(dispute.state)[0]);
  }
  const refused = tracked.filter((x) => x.refused !== undefined).map((x) => `job ${x.job.id}: ${x.refused}`);
  check('every dispute of a wrong result accepted', refused.length === 0, refused.join(', ') || `${disputeStates.length} disputes`);

  const { accounts, minted, burned, fees } = await ledgerAccounts(t);
  const balances = new Map<string, bigint>();
  for (const [key, a] of accounts) balances.set(key, await e.ledger.icrc1_balance_of(a));
  const supply = await e.ledger.icrc1_total_supply();
  const sum = [...balances.values()].reduce((a, b) => a + b, 0n);
  check('ledger supply equals the sum of balances', supply === sum, `supply ${supply}, balances ${sum} over ${accounts.size} accounts`);
  check('minted less burned and fees equals supply', minted - burned - fees === supply, `minted ${minted}, burned ${burned}, fees ${fees}`);

  // Who holds what: each account's owner in one class.
  const { config } = await e.payment.get_config();
  const owners = new Map<string, string>();
  const name = (p: Principal, holder: string) => owners.set(p.toText(), holder);
  for (const c of consumers) name(c, 'consumers');
  for (const { job } of tracked) name(job.creator, 'model creator');
  for (const w of workers) (name(w.provider, 'providers'), name(w.node, 'providers'));
  name(config.treasury.owner, 'treasury');
  name(e.ids.identity, 'identity (stakes)');
  name(e.ids.payment, 'payment (escrows, deposits, owed)');
  const held = new Map<string, bigint>();
  for (const [key, a] of accounts) {
    const holder = owners.get(a.owner.toText()) ?? (a.owner.toText() === e.deployer.toText() ? 'minting account' : 'unaccounted');
    held.set(holder, (held.get(holder) ?? 0n) + balances.get(key)!);
  }
  const tokens = [...held].map(([holder, amount]) => ({ holder, amount }));
  tokens.push({ holder: 'paid as fees', amount: fees }, { holder: 'burned', amount: burned });

  // Payment holds exactly the open escrows and deposits plus what it owes.
  let openEscrow = 0n;
  for (const { job } of tracked)
    for (const [x] of [await e.payment.escrow_of(job.id), await e.payment.deposit_of(job.id)])
      if (x && ('held' in x.state || 'locked' in x.state)) openEscrow += x.amount;
  // Owed balances need no ledger transfer yet: the treasury, the creator and providers may be owed without one.
  const creditable = new Map(accounts);
  for (const owner of owners.keys()) creditable.set(accountKey(account(Principal.fromText(owner))), account(Principal.fromText(owner)));
  creditable.set(accountKey(config.treasury), config.treasury);
  let owed = 0n;
  const owedTo = new Map<string, bigint>();
  for (const [key, a] of creditable) {
    const amount = await e.payment.owed_of(a);
    owed += amount;
    owedTo.set(key, amount);
  }
  const pending = await e.payment.pending_transfers();
  const paymentHeld = held.get('payment (escrows, deposits, owed)') ?? 0n;
  check(
    'payment holds the open escrows and deposits plus what it owes',
    paymentHeld === openEscrow + owed,
    `holds ${paymentHeld}; open escrows and deposits ${openEscrow}, owed ${owed}`,
  );
  check('no escrow or deposit left open', openEscrow === 0n, `${openEscrow}`);

  // Identity holds the stakes, bonded and unbonding, and has no slash left to apply.
  let staked = 0n;
  const pendingSlashes: string[] = [];
  const slashes: string[] = [];
  for (const { provider } of workers) {
    const stake = await e.identity.get_stake(provider);
    staked += stake.bonded + stake.unbonding.reduce((a, u) => a + u.amount, 0n);
    for (const s of await e.identity.slashes_of(provider))
      slashes.push(`${s.reason.split(':')[0]}: ${s.amount} of ${s.requested} at block ${s.block}`);
    if ((await e.identity.pending_slashes_of(provider)).length > 0) pendingSlashes.push(provider.toText());
  }
  const identityHeld = held.get('identity (stakes)') ?? 0n;
  check(
    'identity holds exactly the stakes',
    identityHeld === staked,
    `holds ${identityHeld}, stakes ${staked}; slashes ${slashes.join(', ') || 'none'}`,
  );
  check('no slash left pending', pendingSlashes.length === 0, pendingSlashes.join(', ') || 'none');
  const unaccounted = held.get('unaccounted') ?? 0n;
  check('every token with a known holder, owed, staked, in the treasury or paid as fees', unaccounted === 0n, `unaccounted ${unaccounted}`);

  // Every wrong answer: its provider slashed for that job, or the job refunded or rejected.
  const jobs = new Map(tracked.map(({ job }) => [job.id.toString(), job]));
  const unpunished: string[] = [];
  let wrong = 0;
  for (const [key, fault] of faults) {
    if (fault !== 'wrong') continue;
    wrong++;
    const [jobId, index] = key.split(':');
    const job = jobs.get(jobId);
    if (job !== undefined && ('refunded' in job.state || 'rejected' in job.state)) continue;
    const slashes = await e.identity.slashes_of(workers[Number(index)].provider);
    if (!slashes.some((s) => s.reason.startsWith(`job ${jobId}:`))) unpunished.push(`job ${jobId} (worker ${index})`);
  }
  check('every wrong answer slashed or its job refunded', unpunished.length === 0, unpunished.join(', ') || `${wrong} wrong answers`);

  // Nothing owed to a consumer left unpaid.
  let owedConsumers = 0n;
  for (const c of consumers) owedConsumers += owedTo.get(accountKey(account(c))) ?? 0n;
  check('no transfer pending at payment', pending.length === 0, `${pending.length} pending`);
  check('nothing owed to a consumer', owedConsumers === 0n, `${owedConsumers}`);

  return {
    states,
    disputes: count(disputeStates),
    faults: Object.fromEntries(FAULTS.map((f) => [f, [...faults.values()].filter((x) => x === f).length])) as Record<Fault, number>,
    tokens,
    checks,
  };
}
