// The payment canister's calls, one function each.
import type { Account } from '../../../../canisters/ledger/types';
import type { Settings, WithdrawReceipt } from '../../../../canisters/payment/settings';
import type { HistoryPage, Result } from '../../../../canisters/payment/types';
import type { Actors } from './actors';

import { HISTORY_PAGE_LIMIT } from '../../../sdk/recorded_split';

export { HISTORY_PAGE_LIMIT };

export const owedOf = (a: Actors, account: Account): Promise<bigint> => a.payment.owed_of(account);
// src/sdk/payment.ts types Err loosely; its idlFactory decodes PaymentError (canisters/payment/types.ts).
export const withdraw = (a: Actors, amount: bigint, to: Account) => a.payment.withdraw(amount, to) as Promise<Result<WithdrawReceipt>>;
export const history = (a: Actors, account: Account, offset: number, limit = HISTORY_PAGE_LIMIT) =>
  a.payment.history(account, { offset, limit }) as Promise<Result<HistoryPage>>;
export const settings = (a: Actors): Promise<Settings> => a.payment.get_config();
