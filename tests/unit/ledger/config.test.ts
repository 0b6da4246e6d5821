// The init argument: validation, defaults and the initial mints.
import { describe, expect, it } from 'vitest';

import { balanceOf, totalSupply } from '../../../canisters/ledger/balances';
import { configFromInit, mintInitialBalances } from '../../../canisters/ledger/config';
import { metadata } from '../../../canisters/ledger/metadata';
import type { LedgerInit } from '../../../canisters/ledger/types';
import { account, MINTER, newState, NOW, user } from './state';

const init = (extra: Partial<LedgerInit> = {}): LedgerInit => ({
  token_name: 'Market Token',
  token_symbol: 'MKT',
  decimals: [],
  transfer_fee: 10_000n,
  minting_account: MINTER,
  initial_balances: [[account(user(1)), 5n]],
  ...extra,
});

describe('init', () => {
  it('reads the configuration, with 8 decimals by default', () => {
    const config = configFromInit(init());
    expect(config).toEqual({ name: 'Market Token', symbol: 'MKT', decimals: 8, fee: 10_000n, mintingAccount: MINTER });
    expect(metadata(config)).toContainEqual(['icrc1:decimals', { Nat: 8n }]);
    expect(configFromInit(init({ decimals: [6] })).decimals).toBe(6);
  });

  it('refuses malformed subaccounts and a funded minting account', () => {
    expect(() => configFromInit(init({ minting_account: { owner: user(9), subaccount: [new Uint8Array(3)] } }))).toThrow(/32 bytes/);
    expect(() => configFromInit(init({ initial_balances: [[MINTER, 1n]] }))).toThrow(/minting account/);
  });

  it('mints the initial balances into the log', () => {
    const state = newState();
    mintInitialBalances(
      state,
      init({
        initial_balances: [
          [account(user(1)), 5n],
          [account(user(2)), 0n],
          [account(user(3)), 7n],
        ],
      }),
      NOW,
    );
    expect(totalSupply(state)).toBe(12n);
    expect(balanceOf(state, account(user(3)))).toBe(7n);
    expect(state.log.len()).toBe(2);
  });
});
