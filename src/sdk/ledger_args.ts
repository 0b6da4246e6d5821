// ICRC-1/2 call arguments from and to default accounts, with every optional field left to the ledger.
import type { Principal } from '@dfinity/principal';

import type { Account, ApproveArgs, TransferArgs } from '../../canisters/ledger/types';

export const own = (owner: Principal): Account => ({ owner, subaccount: [] });

export const transferArgs = (to: Principal, amount: bigint): TransferArgs => ({
  from_subaccount: [],
  to: own(to),
  amount,
  fee: [],
  memo: [],
  created_at_time: [],
});

/** Lets `spender` take up to `amount` (approve replaces any allowance it had). */
export const approveArgs = (spender: Principal, amount: bigint): ApproveArgs => ({
  from_subaccount: [],
  spender: own(spender),
  amount,
  expected_allowance: [],
  expires_at: [],
  fee: [],
  memo: [],
  created_at_time: [],
});
