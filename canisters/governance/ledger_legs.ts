// The ledger transfers governance makes, as ICRC arguments: deposits and locks come in by transfer_from, and go
// back out (or a deposit is burned). Each carries a memo naming its purpose and id and a created_at_time fixed when
// the step was committed, so a retry is deduplicated by the ledger instead of paying twice. Pure: no 'azle' import.
import type { Principal } from '@dfinity/principal';

import type { Account, TransferArgs, TransferFromArgs } from '../ledger/types';
import { DEDUP_WINDOW_NS } from '../payment/retries';

// Deposits and locks are kept apart, so each subaccount's balance can be checked against what governance owes.
export const DEPOSITS_SUBACCOUNT = tagged(1);
export const LOCKS_SUBACCOUNT = tagged(2);
/** Governance's reserve: identity pays slashed stake here, and only a `spend_reserve` proposal pays it out. */
export const RESERVE_SUBACCOUNT = tagged(3);

function tagged(tag: number): Uint8Array {
  const subaccount = new Uint8Array(32);
  subaccount[31] = tag;
  return subaccount;
}

const MEMO_TAG = { deposit: 1, return_deposit: 2, burn_deposit: 3, lock: 4, unlock: 5, spend_reserve: 6 } as const;

function memo(leg: keyof typeof MEMO_TAG, id: bigint): Uint8Array {
  const bytes = new Uint8Array(9);
  bytes[0] = MEMO_TAG[leg];
  new DataView(bytes.buffer).setBigUint64(1, id);
  return bytes;
}

export const depositsAccount = (governance: Principal): Account => ({ owner: governance, subaccount: [DEPOSITS_SUBACCOUNT] });
export const locksAccount = (governance: Principal): Account => ({ owner: governance, subaccount: [LOCKS_SUBACCOUNT] });
export const reserveAccount = (governance: Principal): Account => ({ owner: governance, subaccount: [RESERVE_SUBACCOUNT] });

/** The proposer's deposit into governance's deposit subaccount; the proposer pays the fee. */
export function depositIn(governance: Principal, proposer: Principal, proposalId: bigint, amount: bigint, at: bigint): TransferFromArgs {
  return {
    spender_subaccount: [],
    from: { owner: proposer, subaccount: [] },
    to: depositsAccount(governance),
    amount,
    fee: [],
    memo: [memo('deposit', proposalId)],
    created_at_time: [at],
  };
}

/** The deposit back to its proposer, less the ledger fee. */
export function depositBack(proposer: Principal, proposalId: bigint, amount: bigint, fee: bigint, at: bigint): TransferArgs {
  return {
    from_subaccount: [DEPOSITS_SUBACCOUNT],
    to: { owner: proposer, subaccount: [] },
    amount: amount - fee,
    fee: [fee],
    memo: [memo('return_deposit', proposalId)],
    created_at_time: [at],
  };
}

/** The whole deposit to the minting account, which burns it (a burn pays no fee). */
export function depositBurn(minting: Account, proposalId: bigint, amount: bigint, at: bigint): TransferArgs {
  return {
    from_subaccount: [DEPOSITS_SUBACCOUNT],
    to: minting,
    amount,
    fee: [],
    memo: [memo('burn_deposit', proposalId)],
    created_at_time: [at],
  };
}

/** Tokens the holder locks for voting power; `nonce` tells apart two locks made at the same time. */
export function lockIn(governance: Principal, holder: Principal, amount: bigint, nonce: bigint, at: bigint): TransferFromArgs {
  return {
    spender_subaccount: [],
    from: { owner: holder, subaccount: [] },
    to: locksAccount(governance),
    amount,
    fee: [],
    memo: [memo('lock', nonce)],
    created_at_time: [at],
  };
}

/** Unlocked tokens back to their holder, less the ledger fee. */
export function unlockOut(holder: Principal, amount: bigint, fee: bigint, nonce: bigint, at: bigint): TransferArgs {
  return {
    from_subaccount: [LOCKS_SUBACCOUNT],
    to: { owner: holder, subaccount: [] },
    amount: amount - fee,
    fee: [fee],
    memo: [memo('unlock', nonce)],
    created_at_time: [at],
  };
}

/** A `spend_reserve` proposal's payment: `to` receives the amount less the ledger fee. */
export function reserveOut(to: Account, amount: bigint, fee: bigint, proposalId: bigint, at: bigint): TransferArgs {
  return {
    from_subaccount: [RESERVE_SUBACCOUNT],
    to,
    amount: amount - fee,
    fee: [fee],
    memo: [memo('spend_reserve', proposalId)],
    created_at_time: [at],
  };
}

/**
 * Whether the timer still sends a decided proposal's deposit leg (made with created_at_time = decided_at): only while
 * the ledger deduplicates it. Past the window a resend could pay twice, so the deposit stays returning or burning.
 */
export function depositLegDue(decidedAt: bigint, now: bigint): boolean {
  return now - decidedAt < DEDUP_WINDOW_NS;
}

/**
 * Whether a reserve spend first tried at `sentAt` may be sent again. Every attempt sends the created_at_time and fee
 * its first one fixed (the memo is the proposal's), so one whose outcome was unknown but landed comes back Duplicate;
 * that holds only while the ledger deduplicates it: the deposit leg's rule.
 */
export const spendResendable = depositLegDue;
