// The stored forms of the log and of allowances: every kind of transaction and allowance comes back exactly, and
// what an earlier version stored (the log's flat JSON, azle's default JSON for allowances) still reads.
import { Principal } from '@dfinity/principal';
import { stableJson } from '../../../node_modules/azle/src/stable/lib/stable_structures/stable_json';
import { describe, expect, it } from 'vitest';

import { lastKeyKept, storedAllowance, storedTransaction } from '../../../canisters/ledger/codecs';
import { transactionCodec } from '../../../canisters/ledger/log_codec';
import type { AllowanceEntry } from '../../../canisters/ledger/state';
import type { Transaction } from '../../../canisters/ledger/types';
import { asciiText } from '../../../canisters/shared/stable_codecs';
import { account, NOW, user } from './state';

const alice = account(user(1));
const bob = account(user(2), 7);
const zero = { owner: Principal.anonymous(), subaccount: [new Uint8Array(32)] as [Uint8Array] };
const none: Transaction = { kind: 'mint', mint: [], burn: [], transfer: [], approve: [], timestamp: NOW };
const memo: [Uint8Array] = [new Uint8Array([0, 1, 255])];

const transactions: Transaction[] = [
  { ...none, kind: 'mint', mint: [{ to: alice, amount: 5n, memo: [], created_at_time: [] }] },
  { ...none, kind: 'burn', burn: [{ from: zero, spender: [bob], amount: 10n ** 30n, memo, created_at_time: [NOW - 1n] }] },
  { ...none, kind: 'burn', burn: [{ from: alice, spender: [], amount: 1n, memo: [], created_at_time: [] }] },
  {
    ...none,
    kind: 'transfer',
    transfer: [{ from: alice, to: zero, spender: [], amount: 0n, fee: [10n], memo: [], created_at_time: [NOW] }],
  },
  {
    ...none,
    kind: 'transfer',
    transfer: [{ from: bob, to: alice, spender: [zero], amount: 7n, fee: [], memo, created_at_time: [] }],
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

const allowances: AllowanceEntry[] = [
  { amount: 1n, expires_at: [] },
  { amount: 10n ** 24n, expires_at: [NOW] },
];

describe('the ledger stored forms', () => {
  it.each(transactions.map((tx) => [tx.kind, tx] as const))('round-trips a %s', (_kind, tx) => {
    expect(storedTransaction.fromBytes(storedTransaction.toBytes(tx))).toEqual(tx);
  });

  it.each(transactions.map((tx) => [tx.kind, tx] as const))('round-trips a %s in the JSON of earlier versions', (_kind, tx) => {
    expect(transactionCodec.fromBytes(transactionCodec.toBytes(tx))).toEqual(tx);
  });

  it.each(transactions.map((tx) => [tx.kind, tx] as const))('reads a %s logged as JSON before', (_kind, tx) => {
    expect(storedTransaction.fromBytes(transactionCodec.toBytes(tx))).toEqual(tx);
  });

  it('round-trips allowances and reads those azle stored as JSON before', () => {
    const codec = storedAllowance(stableJson);
    for (const entry of allowances) {
      expect(codec.fromBytes(codec.toBytes(entry))).toEqual(entry);
      expect(codec.fromBytes(stableJson.toBytes(entry))).toEqual(entry);
    }
  });

  it('encodes each dedup key as ASCII, the last one kept', () => {
    const keys = lastKeyKept(asciiText);
    for (const key of ['["transfer","ab"]', '["transfer","ab"]', '["approve","cd"]']) {
      expect(keys.toBytes(key)).toEqual(asciiText.toBytes(key));
      expect(keys.fromBytes(keys.toBytes(key))).toBe(key);
    }
  });
});
