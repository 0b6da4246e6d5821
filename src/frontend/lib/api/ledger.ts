// The ledger's calls (ICRC-1/ICRC-2), one function each.
import type { Principal } from '@dfinity/principal';

import type { Account, Allowance, ApproveResult, TransferResult } from '../../../../canisters/ledger/types';
import { approveArgs, transferArgs } from '../../../sdk/ledger';
import type { Actors } from './actors';

export const own = (owner: Principal): Account => ({ owner, subaccount: [] });

export const symbol = (a: Actors): Promise<string> => a.ledger.icrc1_symbol();
export const name = (a: Actors): Promise<string> => a.ledger.icrc1_name();
export const decimals = (a: Actors): Promise<number> => a.ledger.icrc1_decimals();
export const fee = (a: Actors): Promise<bigint> => a.ledger.icrc1_fee();
export const balanceOf = (a: Actors, account: Account): Promise<bigint> => a.ledger.icrc1_balance_of(account);

export const allowance = (a: Actors, owner: Account, spender: Principal): Promise<Allowance> =>
  a.ledger.icrc2_allowance({ account: owner, spender: own(spender) });

/** Sets the spender's allowance to `amount` (ICRC-2 sets, it does not add). created_at_time lets the ledger deduplicate a retry. */
export const approve = (a: Actors, spender: Principal, amount: bigint, createdAtNs: bigint): Promise<ApproveResult> =>
  a.ledger.icrc2_approve(approveArgs(own(spender), amount, { created_at_time: [createdAtNs] }));

export const transfer = (a: Actors, to: Account, amount: bigint, createdAtNs: bigint): Promise<TransferResult> =>
  a.ledger.icrc1_transfer(transferArgs(to, amount, { created_at_time: [createdAtNs] }));
