// The ledger calls each flow step asks for, as ICRC arguments. Each carries a memo naming its purpose and job,
// and a created_at_time fixed when the step was committed, so a retry after an unknown outcome (a timeout, a
// trap after the call) is the same transaction to the ledger and comes back as Duplicate rather than paying twice.
import type { Principal } from '@dfinity/principal';

import type { Account, TransferArgs, TransferFromArgs } from '../ledger/types';
import type { Withdrawal } from './owed';
import type { RefundPlan } from './refunds';
import type { Settlement } from './split';
import { depositSubaccount, escrowSubaccount, POOL_SUBACCOUNT } from './subaccounts';
import type { Escrow, JobId } from './types';

// The first memo byte says which leg a transfer is; the next eight are the job id (or withdrawal nonce).
const MEMO_TAG = { escrow: 1, sweep: 2, refund: 3, withdrawal: 4, deposit: 5, deposit_return: 6, forfeit: 7 } as const;

export function memo(leg: keyof typeof MEMO_TAG, id: bigint): Uint8Array {
  const bytes = new Uint8Array(9);
  bytes[0] = MEMO_TAG[leg];
  new DataView(bytes.buffer).setBigUint64(1, id);
  return bytes;
}

export function escrowAccount(paymentCanister: Principal, jobId: JobId): Account {
  return { owner: paymentCanister, subaccount: [escrowSubaccount(jobId)] };
}

export function poolAccount(paymentCanister: Principal): Account {
  return { owner: paymentCanister, subaccount: [POOL_SUBACCOUNT] };
}

export function depositAccount(paymentCanister: Principal, jobId: JobId): Account {
  return { owner: paymentCanister, subaccount: [depositSubaccount(jobId)] };
}

/**
 * Moves a locked escrow's amount from the consumer into the job's subaccount, or a dispute's deposit into the
 * deposit subaccount; the consumer pays the fee.
 */
export function escrowTransferFrom(paymentCanister: Principal, escrow: Escrow, kind: 'escrow' | 'deposit' = 'escrow'): TransferFromArgs {
  const to = kind === 'escrow' ? escrowAccount : depositAccount;
  return {
    spender_subaccount: [],
    from: escrow.consumer,
    to: to(paymentCanister, escrow.job_id),
    amount: escrow.amount,
    fee: [],
    memo: [memo(kind, escrow.job_id)],
    created_at_time: [escrow.created_at],
  };
}

/** Moves a resolved dispute's deposit, less the fee: back to the consumer when upheld, to the pool when forfeited. */
export function depositTransfer(paymentCanister: Principal, deposit: Escrow, upheld: boolean, fee: bigint): TransferArgs {
  return {
    from_subaccount: [depositSubaccount(deposit.job_id)],
    to: upheld ? deposit.consumer : poolAccount(paymentCanister),
    amount: deposit.amount - fee,
    fee: [fee],
    memo: [memo(upheld ? 'deposit_return' : 'forfeit', deposit.job_id)],
    created_at_time: [deposit.updated_at],
  };
}

/** Sweeps a settlement into the pool that owed balances are withdrawn from; `at` is when it was settled. */
export function sweepTransfer(paymentCanister: Principal, jobId: JobId, settlement: Settlement, at: bigint): TransferArgs {
  return {
    from_subaccount: [escrowSubaccount(jobId)],
    to: poolAccount(paymentCanister),
    amount: settlement.sweep - settlement.fee,
    fee: [settlement.fee],
    memo: [memo('sweep', jobId)],
    created_at_time: [at],
  };
}

/** The consumer's refund leg, or none when the plan refunds nothing. */
export function refundTransfer(escrow: Escrow, plan: RefundPlan, at: bigint): TransferArgs | undefined {
  if (plan.refund === 0n) return undefined;
  return {
    from_subaccount: [escrowSubaccount(escrow.job_id)],
    to: escrow.consumer,
    amount: plan.refund - plan.fee,
    fee: [plan.fee],
    memo: [memo('refund', escrow.job_id)],
    created_at_time: [at],
  };
}

/** Pays a withdrawal from the pool; `nonce` tells apart two withdrawals begun at the same time. */
export function withdrawalTransfer(withdrawal: Withdrawal, nonce: bigint, at: bigint): TransferArgs {
  return {
    from_subaccount: [POOL_SUBACCOUNT],
    to: withdrawal.to,
    amount: withdrawal.amount - withdrawal.fee,
    fee: [withdrawal.fee],
    memo: [memo('withdrawal', nonce)],
    created_at_time: [at],
  };
}
