// What a key's job may cost its owner, and what its outcome did cost, both counted against the key's cap: the
// job's price and the ledger fees the owner pays around it. The owner pays the fee of the escrow's transfer_from
// on top of the price; a job that fails is refunded in full less the refund transfer's own fee (payment's
// refunds.ts), so a refunded job cost the owner two fees. Pure.
import type { JobError, JobRun } from '../marketplace/job_types';
import type { Quote } from '../marketplace/types';

/**
 * How far above its quote a replica's price may rise before the job is refused: twice. Concurrent jobs raise the
 * utilization multiplier between the quote and the run, and a max_price of exactly the quote would refuse them
 * (PriceAboveMax) as the market fills; the default curve tops out at twice the base rate (max_multiplier_bps
 * 20,000). The cap holds this most, and only the price the job ran at is charged.
 */
export const PRICE_HEADROOM = 2n;

/** The max_price to run a quoted job at, and the most it may cost: every replica at that price, and two fees. */
export function priceLimit(quote: Quote, fee: bigint): { max_price: bigint; most: bigint } {
  const highest = quote.chosen.reduce((most, c) => (c.quote > most ? c.quote : most), 0n);
  const max_price = highest * PRICE_HEADROOM;
  return { max_price, most: max_price * BigInt(quote.chosen.length) + 2n * fee };
}

// Refused before any escrow was taken: nothing moved.
const NOTHING_PAID = [
  'PaymentFailed',
  'NoMatch',
  'InvalidInput',
  'UnknownModel',
  'ModelNotAllowed',
  'NotConfigured',
  'RegistryUnavailable',
  'IntakePaused',
  'Unauthorized',
] as const;

/** run_job_for's outcome: its reply, or the call's failure (rejected, trapped, or its reply lost) in words. */
export type RunOutcome = { Ok: { Ok: JobRun } | { Err: JobError } } | { Err: string };

/**
 * What an outcome cost the owner, at most `most` (what was held for it). A job that ran: its price and the escrow's
 * fee. A refunded one: the two fees. A refusal before the escrow: nothing. Anything else (the call failed, the
 * output was not read back, a transition refused) has an unknown outcome whose money may have moved: all of it,
 * so the cap is never passed.
 */
export function chargeOf(outcome: RunOutcome, most: bigint, fee: bigint): bigint {
  const cost = ((): bigint => {
    if ('Err' in outcome) return most;
    if ('Ok' in outcome.Ok) return outcome.Ok.Ok.job.price + fee;
    const error = outcome.Ok.Err;
    if (NOTHING_PAID.some((name) => name in error)) return 0n;
    if ('JobFailed' in error) return 2n * fee;
    return most;
  })();
  return cost < most ? cost : most;
}
