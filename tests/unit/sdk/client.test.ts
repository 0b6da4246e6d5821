// The SDK's client over stand-in canisters (tests/unit/frontend/fakes.ts): what it approves and submits, how it
// waits, what run and embed return or throw, and the split it reads from payment's records. The same client runs
// against the real canisters in tests/integration/cli (the CLI's job commands are this client).
import type { Job } from '../../../canisters/marketplace/job_types';
import type { Quote } from '../../../canisters/marketplace/types';
import { describe, expect, it } from 'vitest';

import { MarketClient } from '../../../src/sdk/client';
import { JobUnsettled, Refused, WaitTimeout } from '../../../src/sdk/errors';
import { jobRequest } from '../../../src/sdk/job_request';
import { IDS, LIT, fakeActors, job, principal } from '../frontend/fakes';
import { AllowanceLedger } from './allowance_ledger';

const options = { maxTokens: 16, redundancy: 2, priority: false, maxPrice: 5_000_000n, intervalMs: 0 };
const quote: Quote = {
  chosen: [
    {
      provider: principal(20),
      offer: 7n,
      quote: 1_000_000n,
      score: { total: 0, region_latency: 0, load: 0, reputation: 0, hardware: 0, price: 0 },
    },
    {
      provider: principal(21),
      offer: 8n,
      quote: 1_500_000n,
      score: { total: 0, region_latency: 0, load: 0, reputation: 0, hardware: 0, price: 0 },
    },
  ],
  total: 2_500_000n,
  multiplier_bps: 10_000,
};
const output = (text: string | undefined, vector: number[] = []) => ({
  Ok: {
    job_id: 1n,
    consumer: principal(50),
    node: principal(30),
    output_sha256: new Uint8Array(32),
    tokens: [1, 2],
    text: text === undefined ? [] : [text],
    vector,
    runtime: 'test',
    completed_at: 3n,
  },
});

/** A market whose job goes through `states`, one per reading. */
function market(states: Job['state'][], extra: { output?: ReturnType<typeof output>; failure?: string } = {}) {
  let reading = 0;
  return fakeActors({
    ledger: { icrc1_fee: () => LIT.fee, icrc2_approve: () => ({ Ok: 1n }) },
    marketplace: {
      quote: () => ({ Ok: quote }),
      submit_job: () => ({ Ok: job({ state: { matched: null } }) }),
      get_job: () => {
        const state = states[Math.min(reading, states.length - 1)];
        return { Ok: job({ state, updated_at: BigInt(reading++), failure: extra.failure ? [extra.failure] : [] }) };
      },
    },
    bridge: { get_output: () => extra.output ?? output('blue light scatters') },
  });
}
const client = (actors: ReturnType<typeof fakeActors>['actors']) => new MarketClient(actors, IDS.payment);

describe('approveAndSubmit', () => {
  it('approves payment for the dearest quote per replica plus the transfer fee, and submits the request priced at it', async () => {
    const { actors, calls } = market([{ matched: null }]);
    const request = jobRequest(3n, 'Why is the sky blue?', options);
    const { charges, request: priced } = await client(actors).approveAndSubmit(request, quote);
    const approve = calls.find((c) => c.method === 'icrc2_approve')!.args[0] as { spender: { owner: unknown }; amount: bigint };
    expect(approve.spender.owner).toEqual(IDS.payment);
    expect(approve.amount).toBe(2n * 1_500_000n + LIT.fee);
    expect(charges.allowance).toBe(approve.amount);
    const submitted = calls.find((c) => c.method === 'submit_job')!.args[0] as { max_price: bigint };
    expect(submitted.max_price).toBe(1_500_000n);
    expect(priced.max_price).toBe(1_500_000n);
    expect(calls.map((c) => c.method)).toEqual(['icrc1_fee', 'icrc2_approve', 'submit_job']);
  });

  it('submits nothing when the approval is refused, and says so', async () => {
    const { actors, calls } = fakeActors({
      ledger: { icrc1_fee: () => LIT.fee, icrc2_approve: () => ({ Err: { InsufficientFunds: { balance: 0n } } }) },
    });
    const refused = client(actors).approveAndSubmit(jobRequest(3n, 'hi', options), quote);
    await expect(refused).rejects.toThrow('approve refused: {"InsufficientFunds":{"balance":"0"}}');
    await expect(refused).rejects.toBeInstanceOf(Refused);
    expect(calls.some((c) => c.method === 'submit_job')).toBe(false);
  });

  it('passes the NoMatch of a quote on as a Refused error a program can read', async () => {
    const noMatch = { offers: [], needed: 1, eligible: 0, more_offers: 0n, other_model_offers: 0n };
    const { actors } = fakeActors({ marketplace: { quote: () => ({ Err: noMatch }) } });
    const error = await client(actors)
      .quote(jobRequest(3n, 'hi', options))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Refused);
    expect((error as Refused).reason).toEqual(noMatch);
  });
});

describe('jobs of one client at once', () => {
  /** A market over `ledger`: a submitted job escrows the sum of its quotes, then settles with `text(id)` as its output. */
  function paying(ledger: AllowanceLedger) {
    let next = 1n;
    return fakeActors({
      ledger: {
        icrc1_fee: () => ledger.fee,
        icrc2_approve: (args: { amount: bigint }) => ledger.approve(args.amount),
      },
      marketplace: {
        quote: () => ({ Ok: quote }),
        submit_job: async () => {
          const escrowed = await ledger.escrow(quote.total);
          if ('Err' in escrowed) return { Err: { PaymentFailed: escrowed.Err } };
          return { Ok: job({ id: next++, state: { matched: null } }) };
        },
        get_job: (id: bigint) => ({ Ok: job({ id, state: { settled: null } }) }),
      },
      bridge: { get_output: (id: bigint) => output(`answer ${id}`) },
    });
  }

  it('two runs started together both succeed: each approval is its own job’s, made after the other job’s escrow', async () => {
    const ledger = new AllowanceLedger(100_000_000n);
    const { actors } = paying(ledger);
    const market = client(actors);
    const runs = await Promise.all([market.run(3n, 'one', options), market.run(3n, 'two', options)]);
    expect(runs.map((r) => r.text)).toEqual(['answer 1', 'answer 2']);
    // Each approved the dearest quote twice plus the fee; each escrow took the quotes' sum plus the fee, so what is
    // left is one job's unused part, not two piled up.
    const allowance = 2n * 1_500_000n + LIT.fee;
    expect(ledger.approvals).toEqual([allowance, allowance]);
    expect(ledger.allowance).toBe(allowance - (quote.total + LIT.fee));
    expect(ledger.balance).toBe(100_000_000n - 2n * (quote.total + 2n * LIT.fee));
  });

  it('a refused approval fails its own job only: the submission after it still takes its turn', async () => {
    let approvals = 0;
    const { actors, calls } = fakeActors({
      ledger: {
        icrc1_fee: () => LIT.fee,
        icrc2_approve: () => (approvals++ === 0 ? { Err: { InsufficientFunds: { balance: 0n } } } : { Ok: 1n }),
      },
      marketplace: { submit_job: () => ({ Ok: job({ state: { matched: null } }) }) },
    });
    const market = client(actors);
    const [refused, submitted] = await Promise.allSettled([
      market.approveAndSubmit(jobRequest(3n, 'one', options), quote),
      market.approveAndSubmit(jobRequest(3n, 'two', options), quote),
    ]);
    expect(refused.status === 'rejected' && refused.reason).toBeInstanceOf(Refused);
    expect(submitted.status).toBe('fulfilled');
    expect(calls.map((c) => c.method)).toEqual(['icrc1_fee', 'icrc2_approve', 'icrc1_fee', 'icrc2_approve', 'submit_job']);
  });

  it('a job in a reservation is submitted without an approval, so it pays no approval fee', async () => {
    const { actors, calls } = fakeActors({
      marketplace: { submit_job: () => ({ Ok: job({ state: { matched: null } }) }) },
    });
    const reserved = { ...jobRequest(3n, 'hi', { ...options, redundancy: 1 }), reservation: [9n] as [bigint] };
    const { charges } = await client(actors).approveAndSubmit(reserved, quote);
    expect(charges).toEqual({ amount: 0n, approveFee: 0n, transferFee: 0n, total: 0n, allowance: 0n });
    expect(calls.map((c) => c.method)).toEqual(['submit_job']);
  });
});

describe('wait', () => {
  it('reports each state the job passes through once, and returns it final', async () => {
    const { actors } = market([{ matched: null }, { dispatched: null }, { completed: null }, { settled: null }]);
    const seen: string[] = [];
    const final = await client(actors).wait(1n, { onProgress: (j) => seen.push(Object.keys(j.state)[0]), intervalMs: 0 });
    expect(seen).toEqual(['matched', 'dispatched', 'completed', 'settled']);
    expect(final.state).toEqual({ settled: null });
  });

  it('gives up when the time is out, saying the state the job is still in', async () => {
    const { actors } = market([{ dispatched: null }]);
    const waited = client(actors).wait(1n, { timeoutMs: 0, intervalMs: 0 });
    await expect(waited).rejects.toBeInstanceOf(WaitTimeout);
    await expect(waited).rejects.toThrow('job 1 is still dispatched after 0 s');
  });

  it('stops at once on a job the marketplace does not know', async () => {
    const { actors, calls } = fakeActors({ marketplace: { get_job: () => ({ Err: { NotFound: null } }) } });
    await expect(client(actors).wait(9n, { intervalMs: 0 })).rejects.toThrow('get_job refused: {"NotFound":null}');
    expect(calls).toHaveLength(1);
  });

  it('rides out a few failed readings of the network, but not five in a row', async () => {
    let failing = 4;
    const flaky = fakeActors({
      marketplace: {
        get_job: () => {
          if (failing-- > 0) throw new Error('connection reset');
          return { Ok: job() };
        },
      },
    });
    expect((await client(flaky.actors).wait(1n, { intervalMs: 0 })).state).toEqual({ settled: null });
    const down = fakeActors({
      marketplace: {
        get_job: () => {
          throw new Error('connection reset');
        },
      },
    });
    await expect(client(down.actors).wait(1n, { intervalMs: 0 })).rejects.toThrow('connection reset');
    expect(down.calls).toHaveLength(5);
  });
});

describe('run and embed', () => {
  it('run quotes, pays, submits, waits and returns the text', async () => {
    const { actors, calls } = market([{ matched: null }, { settled: null }]);
    const { text, job: done } = await client(actors).run(3n, 'Why is the sky blue?', options);
    expect(text).toBe('blue light scatters');
    expect(done.state).toEqual({ settled: null });
    expect(calls.map((c) => c.method)).toEqual(['quote', 'icrc1_fee', 'icrc2_approve', 'submit_job', 'get_job', 'get_job', 'get_output']);
  });

  it('run throws JobUnsettled with the failure when the job ends refunded, and reads no output', async () => {
    const { actors, calls } = market([{ refunded: null }], { failure: 'worker timed out' });
    const ran = client(actors).run(3n, 'hi', options);
    await expect(ran).rejects.toBeInstanceOf(JobUnsettled);
    await expect(ran).rejects.toThrow('job 1 ended refunded: worker timed out');
    expect(calls.some((c) => c.method === 'get_output')).toBe(false);
  });

  it('embed returns the vector; a model that gives none is named', async () => {
    const { actors } = market([{ settled: null }], { output: output(undefined, [0.5, -0.25]) });
    expect((await client(actors).embed(4n, 'sky', options)).vector).toEqual([0.5, -0.25]);
    const text = market([{ settled: null }]);
    await expect(client(text.actors).embed(3n, 'sky', options)).rejects.toThrow('job 1 gave no vector: is model 3 an embedding model?');
  });
});

describe('paidSplit', () => {
  const treasury = { owner: principal(90), subaccount: [new Uint8Array([1])] as [Uint8Array] };
  const credited = (jobId: bigint, role: string, amount: bigint, at = 5_000n) => ({
    index: 0n,
    at,
    event: { credited: { job_id: jobId, role: { [role]: null }, amount } },
  });

  it('sums what payment credited for the job by role, from the providers that ran it, the creator and the treasury', async () => {
    // The offers as candid decodes a vec nat64 off the wire.
    const ran = job({ offers: BigUint64Array.from([0n, 1n]) as unknown as bigint[], quotes: [1_000_000n, 1_000_000n], price: 1_000_000n });
    const histories: Record<string, unknown[]> = {
      [principal(20).toText()]: [credited(1n, 'provider', 792_000n), credited(2n, 'provider', 5n)],
      [principal(60).toText()]: [credited(1n, 'creator', 29_700n)],
      [principal(90).toText()]: [credited(1n, 'treasury', 168_300n)],
      [principal(21).toText()]: [credited(1n, 'provider', 1n)],
    };
    const { actors, calls } = fakeActors({
      marketplace: { get_offer: (id: bigint) => ({ Ok: { provider: principal(id === 0n ? 20 : 21) } }) },
      payment: {
        get_config: () => ({ config: { treasury } }),
        escrow_of: () => [{ amount: 1_000_000n }],
        history: (account: { owner: { toText(): string } }, page: { offset: number; limit: number }) => {
          const items = histories[account.owner.toText()] ?? [];
          return { Ok: { total: BigInt(items.length), items: items.slice(page.offset, page.offset + page.limit) } };
        },
      },
    });
    const paid = await client(actors).paidSplit({ ...ran, request: { ...ran.request, redundancy: 1 } });
    expect(paid.totals).toEqual({ providers: 792_000n, creator: 29_700n, treasury: 168_300n, refunded: 0n, fees: 10_000n });
    expect(paid.escrowed).toBe(1_000_000n);
    // The spare (offer 1) ran nothing: neither its offer nor its history is read.
    expect(calls.filter((c) => c.method === 'get_offer').map((c) => c.args[0])).toEqual([0n]);
    const read = calls.filter((c) => c.method === 'history').map((c) => (c.args[0] as { owner: { toText(): string } }).owner.toText());
    expect(read).not.toContain(principal(21).toText());
    // A consumer who is also the model's creator: the one history is read once, its credit counted once.
    const own = await client(actors).paidSplit({ ...ran, consumer: principal(60), request: { ...ran.request, redundancy: 1 } });
    expect(own.totals.creator).toBe(29_700n);
  });
});
