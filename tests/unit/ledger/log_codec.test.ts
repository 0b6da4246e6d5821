// The log's byte form gives back every kind of transaction exactly, optional fields and null subaccounts included.
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { transactionCodec } from '../../../canisters/ledger/log_codec';
import type { Transaction } from '../../../canisters/ledger/types';
import { account, NOW, user } from './state';

const alice = account(user(1));
const bob = account(user(2), 7);
const zero = { owner: Principal.anonymous(), subaccount: [new Uint8Array(32)] as [Uint8Array] };
const none: Transaction = { kind: 'mint', mint: [], burn: [], transfer: [], approve: [], timestamp: NOW };
const memo: [Uint8Array] = [new Uint8Array([0, 1, 255])];

const transactions: Transaction[] = [
  { ...none, kind: 'mint', mint: [{ to: alice, amount: 5n, memo: [], created_at_time: [] }] },
  { ...none, kind: 'burn', burn: [{ from: zero, spender: [bob], amount: 10n ** 30n, memo, created_at_time: [NOW - 1n] }] },
  {
    ...none,
    kind: 'transfer',
    transfer: [{ from: alice, to: zero, spender: [], amount: 0n, fee: [10n], memo: [], created_at_time: [NOW] }],
  },
  {
    ...none,
    kind: 'approve',
    approve: [
      { from: bob, spender: alice, amount: 3n, expected_allowance: [0n], expires_at: [NOW + 1n], fee: [10n], memo, created_at_time: [] },
    ],
  },
  {
    ...none,
    kind: 'approve',
    approve: [{ from: bob, spender: zero, amount: 3n, expected_allowance: [], expires_at: [], fee: [], memo: [], created_at_time: [] }],
  },
];

describe('the log codec', () => {
  it.each(transactions.map((tx) => [tx.kind, tx] as const))('round-trips a %s', (_kind, tx) => {
    expect(transactionCodec.fromBytes(transactionCodec.toBytes(tx))).toEqual(tx);
  });
});
