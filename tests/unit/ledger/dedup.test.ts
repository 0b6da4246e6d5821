// Deduplication by created_at_time and memo within the window, and the time errors around it.
import { describe, expect, it } from 'vitest';

import { balanceOf } from '../../../canisters/ledger/balances';
import { PERMITTED_DRIFT, TX_WINDOW } from '../../../canisters/ledger/dedup';
import { transfer } from '../../../canisters/ledger/transfer';
import { account, MINTER, newState, NOW, transferArgs, user } from './state';

const alice = account(user(1));
const bob = account(user(2));

function funded() {
  const state = newState();
  transfer(state, MINTER.owner, transferArgs(alice, 1_000n), NOW);
  return state;
}

describe('deduplication', () => {
  it('answers a repeated transfer with the index of the first', () => {
    const state = funded();
    const args = transferArgs(bob, 5n, { created_at_time: [NOW], memo: [new Uint8Array([1])] });
    expect(transfer(state, alice.owner, args, NOW)).toEqual({ Ok: 1n });
    expect(transfer(state, alice.owner, args, NOW + 1_000n)).toEqual({ Err: { Duplicate: { duplicate_of: 1n } } });
    expect(balanceOf(state, bob)).toBe(5n);
  });

  it('tells apart transfers that differ in memo, caller or any argument', () => {
    const state = funded();
    transfer(state, MINTER.owner, transferArgs(bob, 100n), NOW);
    const args = (memo: number, amount = 5n) => transferArgs(bob, amount, { created_at_time: [NOW], memo: [new Uint8Array([memo])] });
    expect(transfer(state, alice.owner, args(1), NOW)).toEqual({ Ok: 2n });
    expect(transfer(state, alice.owner, args(2), NOW)).toEqual({ Ok: 3n });
    expect(transfer(state, alice.owner, args(1, 6n), NOW)).toEqual({ Ok: 4n });
    expect(transfer(state, bob.owner, transferArgs(bob, 5n, { created_at_time: [NOW], memo: [new Uint8Array([1])] }), NOW)).toEqual({
      Ok: 5n,
    });
  });

  it('does not deduplicate without created_at_time', () => {
    const state = funded();
    expect(transfer(state, alice.owner, transferArgs(bob, 5n), NOW)).toEqual({ Ok: 1n });
    expect(transfer(state, alice.owner, transferArgs(bob, 5n), NOW)).toEqual({ Ok: 2n });
  });

  it('answers TooOld before the window and CreatedInFuture beyond the drift', () => {
    const state = funded();
    const at = (created: bigint) => transferArgs(bob, 5n, { created_at_time: [created] });
    expect(transfer(state, alice.owner, at(NOW - TX_WINDOW - PERMITTED_DRIFT - 1n), NOW)).toEqual({ Err: { TooOld: null } });
    expect(transfer(state, alice.owner, at(NOW + PERMITTED_DRIFT + 1n), NOW)).toEqual({ Err: { CreatedInFuture: { ledger_time: NOW } } });
    expect(transfer(state, alice.owner, at(NOW - TX_WINDOW - PERMITTED_DRIFT), NOW)).toEqual({ Ok: 1n });
    expect(transfer(state, alice.owner, at(NOW + PERMITTED_DRIFT), NOW)).toEqual({ Ok: 2n });
  });

  it('forgets keys once an equal call would be TooOld anyway', () => {
    const state = funded();
    const args = transferArgs(bob, 5n, { created_at_time: [NOW] });
    transfer(state, alice.owner, args, NOW);
    expect(state.dedup.len()).toBe(1);
    const later = NOW + TX_WINDOW + 3n * PERMITTED_DRIFT;
    expect(transfer(state, alice.owner, args, later)).toEqual({ Err: { TooOld: null } });
    expect(state.dedup.len()).toBe(0);
    expect(state.dedupByIndex.len()).toBe(0);
  });
});

describe('forgetting', () => {
  it('forgets at most a bounded number of keys per message, and all of them in time', () => {
    const state = funded();
    transfer(state, MINTER.owner, transferArgs(alice, 10_000n), NOW);
    for (let i = 0; i < 250; i++) transfer(state, alice.owner, transferArgs(bob, 1n, { created_at_time: [NOW + BigInt(i)] }), NOW);
    expect(state.dedup.len()).toBe(250);
    const later = NOW + TX_WINDOW + 3n * PERMITTED_DRIFT;
    transfer(state, alice.owner, transferArgs(bob, 1n), later);
    // A message looks at 100 log entries; the two mints before the transfers set no key.
    expect(state.dedup.len()).toBe(250 - 98);
    transfer(state, alice.owner, transferArgs(bob, 1n), later);
    transfer(state, alice.owner, transferArgs(bob, 1n), later);
    expect(state.dedup.len()).toBe(0);
    expect(state.dedupByIndex.len()).toBe(0);
  });
});
