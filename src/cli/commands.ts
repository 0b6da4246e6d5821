// The command line's commands, one function each; main.ts parses the arguments and picks one.
import { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

import type { JobRequest } from '../../canisters/marketplace/job_types';
import type { Task } from '../../canisters/shared/models';
import type { FaucetError } from '../../canisters/faucet/types';
import { stateOf } from '../sdk/client';
import { ok } from '../sdk/errors';
import type { JobOptions } from '../sdk/job_request';
import { approveArgs, own, transferArgs } from '../sdk/ledger_args';
import { formatAmount, parseAmount } from './amounts';
import type { Connection } from './connect';
import { at } from './time';
import { token } from './token';

export { ok };
export { jobRequest } from '../sdk/job_request';

function principalOrCanister(c: Connection, text: string): Principal {
  try {
    return Principal.fromText(text);
  } catch {
    return c.canister(text);
  }
}

export async function balance(c: Connection, who?: string): Promise<void> {
  const t = await token(c);
  const owner = who === undefined ? c.me : principalOrCanister(c, who);
  console.log(`${formatAmount(await c.ledger.icrc1_balance_of(own(owner)), t.decimals)} ${t.symbol}`);
}

export async function transfer(c: Connection, to: string, amount: string): Promise<void> {
  const t = await token(c);
  const block = ok('transfer', await c.ledger.icrc1_transfer(transferArgs(principalOrCanister(c, to), parseAmount(amount, t.decimals))));
  console.log(`sent ${amount} ${t.symbol} (block ${block}, fee ${formatAmount(t.fee, t.decimals)})`);
}

export async function approve(c: Connection, spender: string, amount: string): Promise<void> {
  const t = await token(c);
  ok('approve', await c.ledger.icrc2_approve(approveArgs(principalOrCanister(c, spender), parseAmount(amount, t.decimals))));
  console.log(`approved ${spender} to spend ${amount} ${t.symbol}`);
}

/** A faucet error in words, with the time of the next possible claim where there is one; amounts in `token`'s units. */
function describeFaucetError(error: FaucetError, token: { decimals: number; symbol: string }): string {
  const amount = (units: bigint) => `${formatAmount(units, token.decimals)} ${token.symbol}`;
  if ('PrincipalLimitReached' in error) {
    const { claimed_today, next_claim_at } = error.PrincipalLimitReached;
    return `you claimed ${amount(claimed_today)} today, your daily limit; the next claim is possible at ${at(next_claim_at)}`;
  }
  if ('DailyLimitReached' in error) {
    return `the faucet gave out all it gives in a day; the next claim is possible at ${at(error.DailyLimitReached.next_claim_at)}`;
  }
  if ('Empty' in error) return `the faucet is empty (it holds ${amount(error.Empty.balance)}): restart npm start to top it up`;
  if ('Busy' in error) return 'a claim of yours is in flight: try again in a moment';
  const [[name, detail]] = Object.entries(error);
  return `${name}: ${String(detail)}`;
}

/** Claims the faucet's amount (local and test networks only), saying when the next claim is possible. */
export async function claimFaucet(c: Connection): Promise<void> {
  const t = await token(c);
  let faucet;
  try {
    faucet = c.faucet();
  } catch {
    throw new Error('this network has no faucet (npm start deploys one; npm run deploy -- --faucet on a test network)');
  }
  const claimed = await faucet.claim();
  if ('Err' in claimed) throw new Error(`the faucet refused: ${describeFaucetError(claimed.Err, t)}`);
  const { amount, block, remaining_today, next_claim_at } = claimed.Ok;
  console.log(`received ${formatAmount(amount, t.decimals)} ${t.symbol} from the faucet (block ${block})`);
  const next = remaining_today >= amount ? 'now' : `at ${at(next_claim_at)}`;
  console.log(`balance ${formatAmount(await c.ledger.icrc1_balance_of(own(c.me)), t.decimals)} ${t.symbol}; next claim possible ${next}`);
}

export async function registerProvider(c: Connection, name: string, region: string, contact: string): Promise<void> {
  const account = ok('register', await c.identity.register({ roles: [{ provider: null }], profile: [{ name, region, contact }] }));
  const certified = account.certification[0] !== undefined && 'certified' in account.certification[0].status;
  console.log(
    `registered ${c.me.toText()} as provider ${name} (${region}); ` +
      (certified ? 'certified (this network certifies providers as they register)' : 'a certifier must certify you before you are matched'),
  );
}

export async function claimNode(c: Connection, code: string): Promise<void> {
  const node = ok('claim', await c.identity.claim_node(code));
  console.log(`claimed node ${node.id.toText()}`);
}

export async function stake(c: Connection, amount: string): Promise<void> {
  const t = await token(c);
  const units = parseAmount(amount, t.decimals);
  // The stake moves by transfer_from, which pays one fee out of the allowance.
  ok('approve', await c.ledger.icrc2_approve(approveArgs(c.canister('identity'), units + t.fee)));
  const staked = ok('stake', await c.identity.stake(units));
  console.log(`bonded ${formatAmount(staked.bonded, t.decimals)} ${t.symbol}`);
}

export async function publishOffer(
  c: Connection,
  model: string,
  price: string,
  options: { capacity: number; region: string },
): Promise<void> {
  const t = await token(c);
  const nodes = (await c.identity.nodes_of(c.me)).filter((n) => 'claimed' in n.status);
  if (nodes.length === 0) throw new Error('you have no claimed node: start a worker and claim it with provider claim <code>');
  const { hardware } = nodes[0];
  const offer = ok(
    'create_offer',
    await c.marketplace.create_offer({
      nodes: nodes.map((n) => n.id),
      models: [BigInt(model)],
      hardware: {
        gpu_model: hardware.gpu_model[0] ?? 'cpu',
        vram_gib: Math.floor(hardware.vram_mib / 1024),
        compute_capability_x10: 0,
        cpu_cores: hardware.cpu_cores,
        ram_gib: Math.floor(hardware.ram_mib / 1024),
      },
      region: options.region,
      price: { unit: { per_request: null }, amount: parseAmount(price, t.decimals) },
      reservation_price_per_slot_hour: 0n,
      capacity: options.capacity,
      sla: { p95_latency_ms: 5_000, uptime_bps: 9_500, late_refund_bps: 0 },
    }),
  );
  const standing = ok('refresh_standing', await c.marketplace.refresh_standing(c.me));
  console.log(`offer ${offer.id} for model ${model} at ${price} ${t.symbol} per request, ${options.capacity} at a time`);
  if (!standing.certified) console.log('note: you are not certified yet, so the offer is not matched');
}

export async function publishModel(
  c: Connection,
  path: string,
  options: { name: string; version: string; task: string; royalty: number; license: string },
): Promise<void> {
  const bytes = readFileSync(path);
  const task = { [options.task]: null } as Task;
  const model = ok(
    'publish',
    await c.registry.publish({
      name: options.name,
      version: options.version,
      task,
      format: path.endsWith('.onnx') ? { onnx: null } : { gguf: null },
      sha256: createHash('sha256').update(bytes).digest(),
      size_bytes: BigInt(statSync(path).size),
      license: options.license,
      royalty_bps: options.royalty,
      access: { public: null },
    }),
  );
  console.log(`model ${model.id}: ${model.name} ${model.version}, sha256 ${Buffer.from(model.sha256).toString('hex')}`);
}

export async function submitJob(c: Connection, request: JobRequest): Promise<void> {
  const t = await token(c);
  const { job } = await c.client.approveAndSubmit(request, await c.client.quote(request));
  console.log(`job ${job.id}: ${stateOf(job)}, ${formatAmount(job.price, t.decimals)} ${t.symbol} in escrow`);
}

/** Quote, pay, submit and wait, as the SDK's client runs a job, then the output alone (for scripts). */
export async function runJob(c: Connection, model: string, prompt: string, options: JobOptions & { timeoutMs: number }): Promise<void> {
  const { text } = await c.client.run(model, prompt, options);
  console.log(text);
}

/** Follows the job until it is final, showing each state it passes through, then shows it. */
export async function waitJob(c: Connection, id: string, timeoutSeconds: number): Promise<void> {
  let last = '';
  const onProgress = (job: { state: object }) => {
    const state = Object.keys(job.state)[0];
    if (state === last) return;
    process.stdout.write(`${last === '' ? '' : '\n'}job ${id}: ${state}`);
    last = state;
  };
  try {
    await c.client.wait(BigInt(id), { onProgress, timeoutMs: timeoutSeconds * 1000 });
  } finally {
    if (last !== '') process.stdout.write('\n');
  }
  await showJob(c, id);
}

export async function showJob(c: Connection, id: string): Promise<void> {
  const t = await token(c);
  const job = ok('get_job', await c.marketplace.get_job(BigInt(id)));
  const amount = (units: bigint) => `${formatAmount(units, t.decimals)} ${t.symbol}`;
  console.log(`state: ${stateOf(job)}${job.failure[0] ? ` (${job.failure[0]})` : ''}`);
  console.log(`price: ${amount(job.price)}, ${job.request.redundancy} replica(s), lane ${Object.keys(job.request.lane)[0]}`);
  for (const [i, offer] of job.offers.entries()) {
    const found = await c.marketplace.get_offer(offer);
    const provider = 'Ok' in found ? found.Ok.provider.toText() : '?';
    console.log(`${i < job.request.redundancy ? 'provider' : 'spare   '}: ${provider} (offer ${offer}, quote ${amount(job.quotes[i])})`);
  }
  if ('settled' in job.state || 'refunded' in job.state) {
    // As payment recorded it: the credits in the payees' histories, the refunds in the consumer's.
    const { totals } = await c.client.paidSplit(job);
    const refunded = totals.refunded > 0n ? `, refunded ${amount(totals.refunded)}` : '';
    console.log(
      `split: providers ${amount(totals.providers)}, model creator ${amount(totals.creator)}, treasury ${amount(totals.treasury)}${refunded}, ledger fee ${amount(totals.fees)}`,
    );
  }
  if ('settled' in job.state) {
    const output = await c.bridge.get_output(BigInt(id));
    if ('Ok' in output) {
      console.log(
        `output: ${output.Ok.text[0] !== undefined ? JSON.stringify(output.Ok.text[0]) : `${output.Ok.vector.length}-dimensional vector`}`,
      );
      console.log(
        `tokens: ${output.Ok.tokens.length}, sha256 ${Buffer.from(output.Ok.output_sha256).toString('hex')}, ${output.Ok.runtime}`,
      );
    }
  }
}

/** Disputes a job's result: approves the bridge's deposit for payment, then waits for the audit's ruling. */
export async function disputeJob(c: Connection, id: string): Promise<void> {
  const t = await token(c);
  const { dispute_deposit } = await c.bridge.settings();
  ok('approve', await c.ledger.icrc2_approve(approveArgs(c.canister('payment'), dispute_deposit + t.fee)));
  console.log(`disputing job ${id} with a deposit of ${formatAmount(dispute_deposit, t.decimals)} ${t.symbol}; auditing...`);
  const dispute = ok('dispute', await c.bridge.dispute(BigInt(id)));
  const state = Object.keys(dispute.state)[0];
  const deposit = 'rejected' in dispute.state ? 'forfeited to the treasury' : 'returned';
  console.log(
    `dispute ${state}: ${dispute.outcome}; deposit ${deposit}${dispute.deposit_resolved ? '' : ' (pending: the bridge retries)'}`,
  );
  if ('upheld' in dispute.state) console.log(`the majority's output replaces the disputed one: npm run cli -- job show ${id}`);
}

/**
 * Governance's one bootstrap, by its admin (the deployer): governance becomes the admin and sole controller of the
 * canisters it administers, and of itself, and takes the deployer off identity's certifiers. The report lists only
 * the canisters, so the certifier line follows from identity being among them (bootstrap drops it exactly then).
 */
export async function bootstrapGovernance(c: Connection): Promise<void> {
  const report = ok('bootstrap', await c.governance().bootstrap());
  console.log(`governance ${c.canister('governance').toText()} now administers and alone controls:`);
  for (const id of report.canisters) console.log(`  ${id.toText()}`);
  const identity = c.canister('identity');
  if (report.canisters.some((id) => id.compareTo(identity) === 'eq'))
    console.log(`the deployer is no longer one of identity’s certifiers: certifiers are now set by governance proposals`);
}
