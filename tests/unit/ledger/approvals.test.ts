// icrc2_approve and icrc2_transfer_from: allowances, their expiry, and each error they answer.
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { allowanceOf } from '../../../canisters/ledger/allowances';
import { approve } from '../../../canisters/ledger/approve';
import { balanceOf, totalSupply } from '../../../canisters/ledger/balances';
import { ErrorCode } from '../../../canisters/ledger/errors';
import { transfer } from '../../../canisters/ledger/transfer';
import { transferFrom } from '../../../canisters/ledger/transfer_from';
import { account, approveArgs, FEE, MINTER, newState, NOW, sumOfBalances, transferArgs, transferFromArgs, user } from './state';

const alice = account(user(1));
const bob = account(user(2));
const carol = account(user(3));

function funded() {
  const state = newState();
  transfer(state, MINTER.owner, transferArgs(alice, 1_000n), NOW);
  return state;
}

describe('icrc2_approve', () => {
  it('sets the allowance and charges the fee', () => {
    const state = funded();
    expect(approve(state, alice.owner, approveArgs(bob, 300n, { expires_at: [NOW + 100n] }), NOW)).toEqual({ Ok: 1n });
    expect(allowanceOf(state, alice, bob, NOW)).toEqual({ allowance: 300n, expires_at: [NOW + 100n] });
    expect(balanceOf(state, alice)).toBe(1_000n - FEE);
    expect(totalSupply(state)).toBe(1_000n - FEE);
    expect(allowanceOf(state, alice, bob, NOW + 100n)).toEqual({ allowance: 0n, expires_at: [] });
    expect(state.log.get(1n)).toMatchObject({ kind: 'approve', approve: [{ from: alice, spender: bob, amount: 300n, fee: [FEE] }] });
  });

  it('replaces the allowance, checking expected_allowance', () => {
    const state = funded();
    approve(state, alice.owner, approveArgs(bob, 300n), NOW);
    expect(approve(state, alice.owner, approveArgs(bob, 50n, { expected_allowance: [200n] }), NOW)).toEqual({
      Err: { AllowanceChanged: { current_allowance: 300n } },
    });
    expect(approve(state, alice.owner, approveArgs(bob, 50n, { expected_allowance: [300n] }), NOW)).toEqual({ Ok: 2n });
    expect(allowanceOf(state, alice, bob, NOW).allowance).toBe(50n);
  });

  it('answers Expired, InsufficientFunds, BadFee and Duplicate', () => {
    const state = funded();
    expect(approve(state, alice.owner, approveArgs(bob, 1n, { expires_at: [NOW] }), NOW)).toEqual({
      Err: { Expired: { ledger_time: NOW } },
    });
    expect(approve(state, bob.owner, approveArgs(alice, 1n), NOW)).toEqual({ Err: { InsufficientFunds: { balance: 0n } } });
    expect(approve(state, alice.owner, approveArgs(bob, 1n, { fee: [0n] }), NOW)).toEqual({ Err: { BadFee: { expected_fee: FEE } } });
    const once = approveArgs(bob, 1n, { created_at_time: [NOW] });
    expect(approve(state, alice.owner, once, NOW)).toEqual({ Ok: 1n });
    expect(approve(state, alice.owner, once, NOW)).toEqual({ Err: { Duplicate: { duplicate_of: 1n } } });
  });

  it('refuses self-approval, the minting account and the anonymous caller', () => {
    const state = funded();
    expect(approve(state, alice.owner, approveArgs(account(user(1), 3), 1n), NOW)).toMatchObject({
      Err: { GenericError: { error_code: ErrorCode.selfApproval } },
    });
    expect(approve(state, MINTER.owner, approveArgs(bob, 1n), NOW)).toMatchObject({
      Err: { GenericError: { error_code: ErrorCode.mintingAccountMisuse } },
    });
    expect(approve(state, Principal.anonymous(), approveArgs(bob, 1n), NOW)).toMatchObject({
      Err: { GenericError: { error_code: ErrorCode.anonymousCaller } },
    });
  });
});

describe('icrc2_transfer_from', () => {
  it('spends the allowance by amount plus fee', () => {
    const state = funded();
    approve(state, alice.owner, approveArgs(bob, 300n), NOW);
    expect(transferFrom(state, bob.owner, transferFromArgs(alice, carol, 100n), NOW)).toEqual({ Ok: 2n });
    expect(allowanceOf(state, alice, bob, NOW).allowance).toBe(300n - 100n - FEE);
    expect(balanceOf(state, alice)).toBe(1_000n - FEE - 100n - FEE);
    expect(balanceOf(state, carol)).toBe(100n);
    expect(sumOfBalances(state)).toBe(totalSupply(state));
    expect(state.log.get(2n)).toMatchObject({ kind: 'transfer', transfer: [{ from: alice, to: carol, spender: [bob], fee: [FEE] }] });
  });

  it('answers InsufficientAllowance, then InsufficientFunds', () => {
    const state = funded();
    expect(transferFrom(state, bob.owner, transferFromArgs(alice, carol, 1n), NOW)).toEqual({
      Err: { InsufficientAllowance: { allowance: 0n } },
    });
    approve(state, alice.owner, approveArgs(bob, 5_000n), NOW);
    expect(transferFrom(state, bob.owner, transferFromArgs(alice, carol, 991n), NOW)).toEqual({
      Err: { InsufficientFunds: { balance: 990n } },
    });
    approve(state, alice.owner, approveArgs(bob, 300n, { expires_at: [NOW + 5n] }), NOW);
    expect(transferFrom(state, bob.owner, transferFromArgs(alice, carol, 1n), NOW + 5n)).toEqual({
      Err: { InsufficientAllowance: { allowance: 0n } },
    });
  });

  it('burns to the minting account, spending only the amount', () => {
    const state = funded();
    approve(state, alice.owner, approveArgs(bob, 300n), NOW);
    expect(transferFrom(state, bob.owner, transferFromArgs(alice, MINTER, FEE - 1n), NOW)).toEqual({
      Err: { BadBurn: { min_burn_amount: FEE } },
    });
    expect(transferFrom(state, bob.owner, transferFromArgs(alice, MINTER, 100n), NOW)).toEqual({ Ok: 2n });
    expect(allowanceOf(state, alice, bob, NOW).allowance).toBe(200n);
    expect(totalSupply(state)).toBe(1_000n - FEE - 100n);
    expect(state.log.get(2n)).toMatchObject({ kind: 'burn', burn: [{ from: alice, spender: [bob], amount: 100n }] });
  });

  it('refuses drawing from the minting account, deduplicates, and checks the fee', () => {
    const state = funded();
    approve(state, alice.owner, approveArgs(bob, 300n), NOW);
    expect(transferFrom(state, bob.owner, transferFromArgs(MINTER, carol, 1n), NOW)).toMatchObject({
      Err: { GenericError: { error_code: ErrorCode.mintingAccountMisuse } },
    });
    expect(transferFrom(state, bob.owner, transferFromArgs(alice, carol, 1n, { fee: [1n] }), NOW)).toEqual({
      Err: { BadFee: { expected_fee: FEE } },
    });
    const args = transferFromArgs(alice, carol, 1n, { created_at_time: [NOW] });
    expect(transferFrom(state, bob.owner, args, NOW)).toEqual({ Ok: 2n });
    expect(transferFrom(state, bob.owner, args, NOW)).toEqual({ Err: { Duplicate: { duplicate_of: 2n } } });
  });
});
