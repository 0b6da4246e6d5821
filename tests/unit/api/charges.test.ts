// What a key's job is held and charged: its max price with headroom above the quote, and the ledger fees the owner
// pays (the escrow's, and the refund's when the job fails); an outcome whose money may have moved charged in full.
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { chargeOf, priceLimit, PRICE_HEADROOM, type RunOutcome } from '../../../canisters/api/charges';
import type { JobError, JobRun } from '../../../canisters/marketplace/job_types';
import type { Quote } from '../../../canisters/marketplace/types';

const NODE = Principal.fromText('aaaaa-aa');
const FEE = 10n;
const quote = (...prices: bigint[]): Quote =>
  ({
    chosen: prices.map((quote, offer) => ({ offer: BigInt(offer), provider: NODE, quote, score_bps: 0 })),
    total: 0n,
    multiplier_bps: 10_000,
  }) as never;
const ran = (price: bigint): RunOutcome => ({ Ok: { Ok: { job: { price }, output: {} } as unknown as JobRun } });
const refused = (error: JobError): RunOutcome => ({ Ok: { Err: error } });

describe('the hold', () => {
  it('lets each replica’s price rise to twice its quote, and holds every replica at that and two fees', () => {
    expect(PRICE_HEADROOM).toBe(2n);
    expect(priceLimit(quote(100n), FEE)).toEqual({ max_price: 200n, most: 220n });
    expect(priceLimit(quote(100n, 150n, 120n), FEE)).toEqual({ max_price: 300n, most: 920n });
  });
});

describe('the charge', () => {
  const most = 220n;

  it('is the price the job ran at and the escrow’s fee', () => {
    expect(chargeOf(ran(130n), most, FEE)).toBe(140n);
  });

  it('is the two fees a refunded job cost the owner', () => {
    expect(chargeOf(refused({ JobFailed: { job_id: 1n, reason: 'timed out' } }), most, FEE)).toBe(20n);
  });

  it('is nothing for a refusal before any escrow', () => {
    for (const error of [
      { PaymentFailed: 'InsufficientAllowance' },
      { NoMatch: { needed: 1, eligible: 0, offers: [], more_offers: false } },
      { InvalidInput: 'stop' },
      { UnknownModel: { model: 1n } },
      { ModelNotAllowed: { model: 1n } },
      { NotConfigured: 'bridge' },
      { RegistryUnavailable: 'down' },
      { IntakePaused: null },
      { Unauthorized: 'not the api' },
    ] as JobError[])
      expect(chargeOf(refused(error), most, FEE)).toBe(0n);
  });

  it('is everything held when the outcome is unknown: the call failed, no output read back, a refused transition', () => {
    expect(chargeOf({ Err: 'the marketplace trapped' }, most, FEE)).toBe(most);
    expect(chargeOf(refused({ NotFound: null }), most, FEE)).toBe(most);
    expect(chargeOf(refused({ InvalidTransition: { from: { settled: null }, event: 'Fail' } } as JobError), most, FEE)).toBe(most);
    expect(chargeOf(refused({ Busy: null }), most, FEE)).toBe(most);
  });

  it('never passes what was held', () => {
    expect(chargeOf(ran(1_000n), most, FEE)).toBe(most);
  });
});
