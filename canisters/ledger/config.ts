// The token's configuration from the init argument, and the initial balances minted at install.
import { sameAccount, validSubaccount } from './accounts';
import { mint } from './balances';
import { append } from './log';
import type { LedgerConfig, LedgerState } from './state';
import type { LedgerInit } from './types';

export const DEFAULT_DECIMALS = 8;

/**
 * A ledger installed without an init argument (npm start deploys every canister with none) has no
 * minting account, so it holds no tokens and none can be minted; nothing stands in for the minter.
 */
export const UNCONFIGURED: LedgerConfig = {
  name: 'Unconfigured token',
  symbol: 'NONE',
  decimals: DEFAULT_DECIMALS,
  fee: 0n,
  mintingAccount: undefined,
};

/** The configuration an init argument describes; throws (so the install traps) on an invalid one. */
export function configFromInit(init: LedgerInit): LedgerConfig {
  const accounts = [init.minting_account, ...init.initial_balances.map(([account]) => account)];
  if (!accounts.every((account) => validSubaccount(account.subaccount))) throw new Error('init: a subaccount must be 32 bytes');
  if (init.initial_balances.some(([account]) => sameAccount(account, init.minting_account))) {
    throw new Error('init: the minting account cannot hold a balance');
  }
  return {
    name: init.token_name,
    symbol: init.token_symbol,
    decimals: init.decimals[0] ?? DEFAULT_DECIMALS,
    fee: init.transfer_fee,
    mintingAccount: init.minting_account,
  };
}

/** Mints the initial balances, each logged as a mint so that replaying the log gives every balance. */
export function mintInitialBalances(state: LedgerState, init: LedgerInit, now: bigint): void {
  for (const [to, amount] of init.initial_balances) {
    if (amount === 0n) continue;
    mint(state, to, amount);
    append(state, {
      kind: 'mint',
      mint: [{ to, amount, memo: [], created_at_time: [] }],
      burn: [],
      transfer: [],
      approve: [],
      timestamp: now,
    });
  }
}
