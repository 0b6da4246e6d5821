// The stored forms of escrows, history entries and pending legs: each value comes back equal, and what an earlier
// version stored as Candid still reads after an upgrade.
import { describe, expect, it } from 'vitest';

import { TransferArgs } from '../../../canisters/ledger/types';
import { escrowCodec, historyEntryCodec, transferArgsCodec } from '../../../canisters/payment/codecs';
import { Escrow, HistoryEntry } from '../../../canisters/payment/types';
import { candidValue } from '../../../canisters/shared/stable_codecs';
import { account } from './fixtures';

const subaccount = new Uint8Array(32).fill(7);
const escrows: Escrow[] = [
  { job_id: 0n, consumer: account(), amount: 1n, state: { locked: null }, created_at: 0n, updated_at: 0n },
  {
    job_id: (1n << 64n) - 1n,
    consumer: account(undefined, subaccount),
    amount: 10n ** 30n,
    state: { refunded: null },
    created_at: 1_700_000_000_000_000_000n,
    updated_at: 1_700_000_000_000_000_001n,
  },
];
const entries: HistoryEntry[] = [
  { index: 0n, at: 1n, event: { escrowed: { job_id: 3n, amount: 500n } } },
  { index: 1n, at: 2n, event: { credited: { job_id: 3n, amount: 400n, role: { creator: null } } } },
  { index: 2n, at: 3n, event: { refunded: { job_id: 3n, amount: 100n, fee: 10n } } },
  { index: 3n, at: 4n, event: { deposited: { job_id: 4n, amount: 50n } } },
  { index: 4n, at: 5n, event: { deposit_returned: { job_id: 4n, amount: 50n, fee: 10n } } },
  { index: 5n, at: 6n, event: { withdrawn: { amount: 300n, fee: 10n, block: 99n } } },
  { index: 6n, at: 7n, event: { audit_reward: { job_id: 3n, amount: 7n } } },
  { index: 2n ** 40n, at: 8n, event: { audit_paid: { job_id: 3n, amount: 14n } } },
];
const legs: TransferArgs[] = [
  {
    from_subaccount: [subaccount],
    to: account(),
    amount: 990n,
    fee: [10n],
    memo: [new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 9])],
    created_at_time: [5n],
  },
  { from_subaccount: [], to: account(undefined, subaccount), amount: 0n, fee: [], memo: [], created_at_time: [] },
];

type Codec<T> = { toBytes(value: T): Uint8Array; fromBytes(bytes: Uint8Array): T };

function checks<T>(name: string, codec: Codec<T>, candid: Codec<T>, values: T[]): void {
  it(`reads back ${name} equal`, () => {
    for (const value of values) expect(codec.fromBytes(codec.toBytes(value))).toEqual(value);
  });

  it(`reads ${name} stored as Candid before`, () => {
    for (const value of values) expect(codec.fromBytes(candid.toBytes(value))).toEqual(value);
  });
}

describe('payment stored forms', () => {
  checks('escrows', escrowCodec, candidValue<Escrow>(Escrow), escrows);
  checks('history entries', historyEntryCodec, candidValue<HistoryEntry>(HistoryEntry), entries);
  checks('pending legs', transferArgsCodec, candidValue<TransferArgs>(TransferArgs), legs);

  it('writes less than Candid', () => {
    expect(escrowCodec.toBytes(escrows[1]).length).toBeLessThan(candidValue<Escrow>(Escrow).toBytes(escrows[1]).length);
  });

  it('refuses a truncated record rather than reading garbage', () => {
    const bytes = escrowCodec.toBytes(escrows[1]);
    expect(() => escrowCodec.fromBytes(bytes.subarray(0, bytes.length - 3))).toThrow(/truncated/);
  });
});
