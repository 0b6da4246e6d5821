// The job flow's logic without a network: the request, the charges the confirmation shows (checked against the
// ledger's and payment's own rules), approve-then-submit, watching, the recorded split and the dispute window.
import { sha256 } from '@noble/hashes/sha2';
import { describe, expect, it } from 'vitest';

import { approve } from '../../../canisters/ledger/approve';
import { balanceOf } from '../../../canisters/ledger/balances';
import { transfer } from '../../../canisters/ledger/transfer';
import { transferFrom } from '../../../canisters/ledger/transfer_from';
import { escrowAccount, escrowTransferFrom } from '../../../canisters/payment/transfers';
import type { Quote } from '../../../canisters/marketplace/types';
import {
  buildJobRequest,
  disputableUntil,
  DISPUTE_WINDOW_NS,
  escrowCharges,
  payAndSubmit,
  pricedRequest,
  splitFromHistory,
  watchJob,
} from '../../../src/frontend/lib/services/jobs';
import { account, approveArgs, MINTER, newState, NOW, transferArgs } from '../ledger/state';
import { fakeActors, IDS, job, LIT, principal } from './fakes';

const form = { model: 3n, input: 'Why is the sky blue?', maxTokens: 64, redundancy: 2, lane: 'priority' as const };

describe('buildJobRequest', () => {
  it('hashes the input as the marketplace checks it', () => {
    const built = buildJobRequest(form);
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    const bytes = new TextEncoder().encode(form.input);
    expect(built.value.input_hash).toEqual(sha256(bytes));
    expect(built.value.input_bytes).toBe(BigInt(bytes.length));
    expect(built.value).toMatchObject({ model: 3n, max_tokens: 64, redundancy: 2, lane: { priority: null }, input: [form.input] });
  });

  it('counts UTF-8 bytes, not characters', () => {
    const built = buildJobRequest({ ...form, input: 'héllo 🌍' });
    expect(built.ok && built.value.input_bytes).toBe(11n);
  });

  it('says what is wrong with the form', () => {
    expect(buildJobRequest({ ...form, model: undefined })).toEqual({ ok: false, error: 'Pick a model.' });
    expect(buildJobRequest({ ...form, input: '  ' })).toMatchObject({ ok: false, error: /Write a prompt/ });
    expect(buildJobRequest({ ...form, maxTokens: 0 })).toMatchObject({ ok: false, error: /Max tokens/ });
    expect(buildJobRequest({ ...form, maxTokens: 1.5 })).toMatchObject({ ok: false, error: /whole number/ });
    // The bridge's cap, which the marketplace refuses past at submit.
    expect(buildJobRequest({ ...form, maxTokens: 4_097 })).toMatchObject({
      ok: false,
      error: 'Max tokens is a whole number from 1 to 4,096.',
    });
    expect(buildJobRequest({ ...form, maxTokens: 4_096 })).toMatchObject({ ok: true });
    expect(buildJobRequest({ ...form, redundancy: 4 })).toMatchObject({ ok: false, error: /Redundancy is 1, 2 or 3/ });
  });

  it('caps each replica at the dearest quoted one once quoted', () => {
    const built = buildJobRequest(form);
    if (!built.ok) throw new Error(built.error);
    const quote = { total: 30n, multiplier_bps: 10_000, chosen: [{ quote: 10n }, { quote: 20n }] } as unknown as Quote;
    expect(pricedRequest(built.value, quote).max_price).toBe(20n);
  });
});

describe('escrowCharges', () => {
  it('is the price, the approve fee and the transfer_from fee; the allowance is price + fee', () => {
    expect(escrowCharges(1_000_000n, 10_000n)).toEqual({
      amount: 1_000_000n,
      approveFee: 10_000n,
      transferFee: 10_000n,
      total: 1_020_000n,
      allowance: 1_010_000n,
    });
  });

  // The consumer's balance pays exactly `total` through the ledger's own rules: the approve payment's flow asks
  // for, then payment's escrow transfer_from (canisters/payment/transfers.ts); one unit less and the escrow fails.
  const run = (balance: bigint, price: bigint) => {
    const state = newState({ fee: LIT.fee });
    const consumer = account(principal(50));
    transfer(state, MINTER.owner, transferArgs(consumer, balance), NOW);
    const charges = escrowCharges(price, LIT.fee);
    const approved = approve(state, consumer.owner, approveArgs(account(IDS.payment), charges.allowance), NOW);
    const escrow = { job_id: 7n, consumer, amount: price, state: { locked: null }, created_at: NOW, updated_at: NOW };
    const pulled = transferFrom(state, IDS.payment, escrowTransferFrom(IDS.payment, escrow), NOW);
    return { state, consumer, approved, pulled, charges };
  };

  it('matches what the ledger and payment take from the consumer', () => {
    const price = 123_456_789n;
    const { state, consumer, approved, pulled, charges } = run(escrowCharges(price, LIT.fee).total, price);
    expect(approved).toHaveProperty('Ok');
    expect(pulled).toHaveProperty('Ok');
    expect(balanceOf(state, consumer)).toBe(0n);
    expect(balanceOf(state, escrowAccount(IDS.payment, 7n))).toBe(charges.amount);
  });

  it('is not one unit too much', () => {
    const price = 123_456_789n;
    const { pulled } = run(escrowCharges(price, LIT.fee).total - 1n, price);
    expect(pulled).toHaveProperty('Err.InsufficientFunds');
  });
});

describe('payAndSubmit', () => {
  const request = (() => {
    const built = buildJobRequest(form);
    if (!built.ok) throw new Error(built.error);
    return built.value;
  })();
  const charges = escrowCharges(500n, LIT.fee);

  it('approves payment for amount + fee, then submits', async () => {
    const { actors, calls } = fakeActors({
      ledger: { icrc2_approve: () => ({ Ok: 1n }) },
      marketplace: { submit_job: () => ({ Ok: job({ id: 9n, state: { submitted: null } }) }) },
    });
    const steps: string[] = [];
    const result = await payAndSubmit(actors, request, charges, LIT, (s) => steps.push(s), undefined, 1_700_000_000_000);
    expect(result).toMatchObject({ ok: true, value: { id: 9n } });
    expect(steps).toEqual(['approving', 'submitting']);
    expect(calls.map((c) => `${c.canister}.${c.method}`)).toEqual(['ledger.icrc2_approve', 'marketplace.submit_job']);
    expect(calls[0].args[0]).toMatchObject({
      spender: { owner: IDS.payment, subaccount: [] },
      amount: 500n + LIT.fee,
      created_at_time: [1_700_000_000_000n * 1_000_000n],
    });
  });

  it('stops when the approval fails, and says nothing was paid', async () => {
    const { actors, calls } = fakeActors({ ledger: { icrc2_approve: () => ({ Err: { InsufficientFunds: { balance: 5n } } }) } });
    const result = await payAndSubmit(actors, request, charges, LIT);
    expect(result).toEqual({
      ok: false,
      error: 'The approval failed, so nothing was paid. Your balance (0.00000005 LIT) is not enough for this amount and its fee.',
    });
    expect(calls).toHaveLength(1);
  });

  it('explains a refused submission and the allowance left behind', async () => {
    const { actors } = fakeActors({
      ledger: { icrc2_approve: () => ({ Ok: 1n }) },
      marketplace: { submit_job: () => ({ Err: { IntakePaused: null } }) },
    });
    const result = await payAndSubmit(actors, request, charges, LIT);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^Governance has paused new jobs.*approval you gave payment stays in force/);
  });

  it('turns a network failure into a sentence', async () => {
    const { actors } = fakeActors({ ledger: { icrc2_approve: () => Promise.reject(new TypeError('Failed to fetch')) } });
    const result = await payAndSubmit(actors, request, charges, LIT, () => {}, 'http://127.0.0.1:4943');
    expect(result).toMatchObject({ ok: false, error: /network at http:\/\/127.0.0.1:4943 cannot be reached/ });
  });
});

describe('watchJob', () => {
  it('reports each state once and stops at a final one', async () => {
    const states = ['submitted', 'matched', 'matched', 'dispatched', 'settled'];
    let i = 0;
    const { actors } = fakeActors({
      marketplace: { get_job: () => ({ Ok: job({ state: { [states[Math.min(i, states.length - 1)]]: null } as never, updated_at: BigInt(i++ === 2 ? 1 : i) }) }) },
    });
    const seen: string[] = [];
    const final = await watchJob(actors, 1n, (j) => seen.push(Object.keys(j.state)[0]), new AbortController().signal, 0);
    expect(final.ok && Object.keys(final.value.state)[0]).toBe('settled');
    expect(seen[0]).toBe('submitted');
    expect(seen.at(-1)).toBe('settled');
    expect(seen).toContain('dispatched');
  });

  it('gives up after repeated failures with the reason', async () => {
    const { actors } = fakeActors({ marketplace: { get_job: () => ({ Err: { Unauthorized: 'only the consumer and the job’s providers may read it' } }) } });
    const final = await watchJob(actors, 1n, () => {}, new AbortController().signal, 0);
    expect(final).toEqual({ ok: false, error: 'You are not allowed to do this: only the consumer and the job’s providers may read it.' });
  });
});

describe('the recorded split and the dispute window', () => {
  it('takes the job’s credits and refunds out of the histories, ignoring other jobs', () => {
    const j = job({ id: 4n });
    const provider = principal(70);
    const split = splitFromHistory(j, [
      { owner: provider, entry: { index: 0n, at: 5n, event: { credited: { job_id: 4n, amount: 800n, role: { provider: null } } } } },
      { owner: provider, entry: { index: 1n, at: 6n, event: { credited: { job_id: 5n, amount: 999n, role: { provider: null } } } } },
      { owner: j.creator, entry: { index: 0n, at: 5n, event: { credited: { job_id: 4n, amount: 30n, role: { creator: null } } } } },
      { owner: j.consumer, entry: { index: 0n, at: 5n, event: { refunded: { job_id: 4n, amount: 100n, fee: 10n } } } },
      { owner: j.consumer, entry: { index: 1n, at: 5n, event: { withdrawn: { amount: 1n, fee: 1n, block: 1n } } } },
    ]);
    expect(split.credits).toEqual([
      { owner: provider, role: 'provider', amount: 800n },
      { owner: j.creator, role: 'creator', amount: 30n },
    ]);
    expect(split.refunds).toEqual([{ amount: 100n, fee: 10n }]);
  });

  it('opens 24 hours from the result for settled jobs the bridge keeps the request of (its own rule)', () => {
    const output = { completed_at: 5_000n, consumer: job().consumer } as never;
    expect(disputableUntil(job(), output, undefined, undefined)).toBe(5_000n + DISPUTE_WINDOW_NS);
    // A redundant job whose two replicas agreed may be disputed (they may have colluded); one whose split an outside
    // auditor broke (three answers compared) may not, nor one whose verdict is not read yet.
    const redundant = job({ request: { ...job().request, redundancy: 2 } });
    const verdict = (agreeing: number, dissenting: number) =>
      ({ agreeing: Array.from({ length: agreeing }, (_, i) => principal(i)), dissenting: Array.from({ length: dissenting }, (_, i) => principal(9 - i)) }) as never;
    expect(disputableUntil(redundant, output, undefined, undefined, verdict(2, 0))).toBe(5_000n + DISPUTE_WINDOW_NS);
    expect(disputableUntil(redundant, output, undefined, undefined, verdict(2, 1))).toBeUndefined();
    expect(disputableUntil(redundant, output, undefined, undefined)).toBeUndefined();
    // A long job (run asynchronously, its result posted later) is disputable too.
    expect(disputableUntil(job({ request: { ...job().request, max_tokens: 4_096 } }), output, undefined, undefined)).toBe(
      5_000n + DISPUTE_WINDOW_NS,
    );
    expect(disputableUntil(job({ state: { refunded: null } }), output, undefined, undefined)).toBeUndefined();
    expect(disputableUntil(job(), undefined, undefined, undefined)).toBeUndefined();
    expect(disputableUntil(job(), output, { state: { open: null } } as never, undefined)).toBeUndefined();
    expect(disputableUntil(job(), output, undefined, { auditors: [principal(1), principal(2)] } as never)).toBeUndefined();
  });
});

describe('typed arrays from candid', () => {
  it('become plain arrays at the api layer, so mapping them to other types works', async () => {
    const { getJob } = await import('../../../src/frontend/lib/api/marketplace');
    const { getOutput } = await import('../../../src/frontend/lib/api/bridge');
    const { actors } = fakeActors({
      marketplace: { get_job: () => ({ Ok: job({ offers: BigUint64Array.from([3n, 4n]) as unknown as bigint[] }) }) },
      bridge: { get_output: () => ({ Ok: { vector: Float32Array.from([0.5, 0.25]), tokens: Uint32Array.from([1, 2]) } }) },
    });
    const read = await getJob(actors, 1n);
    expect('Ok' in read && read.Ok.offers.map((o) => `#${o}`)).toEqual(['#3', '#4']);
    const output = await getOutput(actors, 1n);
    expect('Ok' in output && output.Ok.vector.map((v) => v.toFixed(2))).toEqual(['0.50', '0.25']);
  });
});
