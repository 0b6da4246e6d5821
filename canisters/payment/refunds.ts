// Refunds: how much of an escrow goes back to its consumer, and why. The refund leg pays its own ledger fee;
// what is not refunded is settled as usual (see split.ts), so for every plan refund + sweep == escrow.
import { BPS_WHOLE, checkBps } from './config';
import { settle, share, type Payees, type Settlement } from './split';
import type { RefundReason, Result, Split } from './types';

// refund: what leaves the escrow subaccount for the consumer (who receives refund - fee); the rest is settled.
export type RefundPlan = { refund: bigint; fee: bigint; settlement: Settlement | undefined };

/** No match, a failure and a timeout refund everything; a missed SLA refunds the share the offer declared. */
export function refundShare(reason: RefundReason): number {
  return 'sla_missed' in reason ? reason.sla_missed.refund_bps : BPS_WHOLE;
}

/**
 * Refunds refund_bps of an escrow to the consumer and settles the rest. A leg too small to pay its own fee
 * joins the other leg: a scrap of the provider side goes back to the consumer, a dust refund is settled.
 */
export function refund(amount: bigint, fee: bigint, refundBps: number, split: Split, payees: Payees): Result<RefundPlan> {
  const badShare = checkBps('refund_bps', refundBps);
  if (badShare) return { Err: { InvalidInput: badShare } };
  if (fee < 0n || amount <= fee) return { Err: { FeeTooHigh: { fee, amount } } };
  let back = share(amount, refundBps);
  if (amount - back <= fee) back = amount;
  else if (back <= fee) back = 0n;
  if (back === amount) return { Ok: { refund: back, fee, settlement: undefined } };
  const settlement = settle(amount - back, fee, split, payees);
  if ('Err' in settlement) return settlement;
  return { Ok: { refund: back, fee: back > 0n ? fee : 0n, settlement: settlement.Ok } };
}
