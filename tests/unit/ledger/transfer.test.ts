// icrc1_transfer's rules: fees, minting, burning and each error it can answer.
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { balanceOf, totalSupply } from '../../../canisters/ledger/balances';
import { ErrorCode } from '../../../canisters/ledger/errors';
import { transfer } from '../../../canisters/ledger/transfer';
import { account, FEE, MINTER, newState, NOW, sumOfBalances, transferArgs, user } from './state';

const alice = account(user(1));
const bob = account(user(2));

function funded(amount = 1_000n) {
  const state = newState();
  expect(transfer(state, MINTER.owner, transferArgs(alice, amount), NOW)).toEqual({ Ok: 0n });
  return state;
}

describe('icrc1_transfer', () => {
  it('mints from the minting account without a fee', () => {
    const state = funded();
    expect(balanceOf(state, alice)).toBe(1_000n);
    expect(totalSupply(state)).toBe(1_000n);
    expect(state.log.get(0n)).toMatchObject({ kind: 'mint', mint: [{ to: alice, amount: 1_000n }], timestamp: NOW });
  });

  it('moves the amount and burns the fee', () => {
    const state = funded();
    expect(transfer(state, alice.owner, transferArgs(bob, 100n), NOW)).toEqual({ Ok: 1n });
    expect(balanceOf(state, alice)).toBe(1_000n - 100n - FEE);
    expect(balanceOf(state, bob)).toBe(100n);
    expect(totalSupply(state)).toBe(1_000n - FEE);
    expect(sumOfBalances(state)).toBe(totalSupply(state));
    expect(state.log.get(1n)).toMatchObject({
      kind: 'transfer',
      transfer: [{ from: alice, to: bob, amount: 100n, fee: [FEE], spender: [] }],
    });
  });

  it('treats a null subaccount and 32 zero bytes as one account', () => {
    const state = funded();
    const zero = { owner: alice.owner, subaccount: [new Uint8Array(32)] as [Uint8Array] };
    expect(balanceOf(state, zero)).toBe(1_000n);
    expect(transfer(state, alice.owner, transferArgs(account(user(1), 7), 5n, { from_subaccount: zero.subaccount }), NOW)).toEqual({
      Ok: 1n,
    });
    expect(balanceOf(state, account(user(1), 7))).toBe(5n);
  });

  it('burns to the minting account without a fee, at least the fee', () => {
    const state = funded();
    expect(transfer(state, alice.owner, transferArgs(MINTER, FEE - 1n), NOW)).toEqual({ Err: { BadBurn: { min_burn_amount: FEE } } });
    expect(transfer(state, alice.owner, transferArgs(MINTER, 300n), NOW)).toEqual({ Ok: 1n });
    expect(balanceOf(state, alice)).toBe(700n);
    expect(totalSupply(state)).toBe(700n);
    expect(state.log.get(1n)).toMatchObject({ kind: 'burn', burn: [{ from: alice, amount: 300n }] });
  });

  it('answers BadFee with the fee it expects', () => {
    const state = funded();
    expect(transfer(state, alice.owner, transferArgs(bob, 1n, { fee: [FEE + 1n] }), NOW)).toEqual({
      Err: { BadFee: { expected_fee: FEE } },
    });
    expect(transfer(state, alice.owner, transferArgs(MINTER, 100n, { fee: [FEE] }), NOW)).toEqual({
      Err: { BadFee: { expected_fee: 0n } },
    });
    expect(transfer(state, alice.owner, transferArgs(bob, 1n, { fee: [FEE] }), NOW)).toEqual({ Ok: 1n });
  });

  it('answers InsufficientFunds with the balance, counting the fee', () => {
    const state = funded();
    expect(transfer(state, alice.owner, transferArgs(bob, 1_000n), NOW)).toEqual({ Err: { InsufficientFunds: { balance: 1_000n } } });
    expect(transfer(state, bob.owner, transferArgs(alice, 1n), NOW)).toEqual({ Err: { InsufficientFunds: { balance: 0n } } });
    expect(balanceOf(state, alice)).toBe(1_000n);
    expect(state.log.len()).toBe(1);
  });

  it('refuses invalid input with GenericError and changes nothing', () => {
    const state = funded();
    const refusals = [
      [Principal.anonymous(), transferArgs(bob, 1n), ErrorCode.anonymousCaller],
      [alice.owner, transferArgs(bob, 1n, { memo: [new Uint8Array(33)] }), ErrorCode.memoTooLong],
      [alice.owner, transferArgs({ owner: bob.owner, subaccount: [new Uint8Array(31)] }, 1n), ErrorCode.invalidAccount],
      [alice.owner, transferArgs(bob, 1n, { from_subaccount: [new Uint8Array(33)] }), ErrorCode.invalidAccount],
      [MINTER.owner, transferArgs(MINTER, 100n), ErrorCode.mintingAccountMisuse],
    ] as const;
    for (const [caller, args, code] of refusals) {
      const result = transfer(state, caller, args, NOW);
      expect(result).toMatchObject({ Err: { GenericError: { error_code: code } } });
    }
    expect(transfer(state, alice.owner, transferArgs(bob, 1n, { memo: [new Uint8Array(32)] }), NOW)).toEqual({ Ok: 1n });
    expect(state.log.len()).toBe(2);
  });

  it('lets the anonymous principal hold funds, as ICRC-1 allows', () => {
    const state = funded();
    const anonymous = account(Principal.anonymous());
    expect(transfer(state, alice.owner, transferArgs(anonymous, 10n), NOW)).toEqual({ Ok: 1n });
    expect(balanceOf(state, anonymous)).toBe(10n);
  });

  it('cannot mint on a ledger without a minting account', () => {
    const state = newState({ mintingAccount: undefined });
    expect(transfer(state, MINTER.owner, transferArgs(alice, 1n), NOW)).toEqual({ Err: { InsufficientFunds: { balance: 0n } } });
  });
});
