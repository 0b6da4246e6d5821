// Map-backed stores, accounts and a seeded generator for the payment rules' unit tests.
import { Principal } from '@dfinity/principal';
import { randomBytes } from 'node:crypto';

import type { Account } from '../../../canisters/ledger/types';
import type { Creator } from '../../../canisters/payment/types';
import { DEFAULT_SPLIT, defaultConfig } from '../../../canisters/payment/config';
import { Payment } from '../../../canisters/payment/payment';
import { random } from '../../support/random';

export const PAYMENT_CANISTER = Principal.fromText('aaaaa-aa');

export function randomUser(): Principal {
  return Principal.selfAuthenticating(new Uint8Array(randomBytes(44)));
}

export function account(owner: Principal = randomUser(), subaccount?: Uint8Array): Account {
  return { owner, subaccount: subaccount ? [subaccount] : [] };
}

/** A model creator asking the whole creator share unless told otherwise. */
export function royalty(account: Account, royalty_bps = DEFAULT_SPLIT.creator_bps): Creator {
  return { account, royalty_bps };
}

export function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${JSON.stringify(result.Err, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  return result.Ok;
}

export function setup(config = defaultConfig(PAYMENT_CANISTER)) {
  const stores = {
    escrows: new Map(),
    deposits: new Map(),
    owed: new Map(),
    auditRewards: new Map(),
    historyCounts: new Map(),
    historyEntries: new Map(),
  };
  return { payment: new Payment(stores, config, PAYMENT_CANISTER), stores, config };
}

/** Seeded draws, so a failing property case can be replayed from its seed. */
export function seeded(seed: number): { int(below: number): number; big(below: bigint): bigint } {
  const next = random(seed);
  return {
    int: (below) => Math.floor(next() * below),
    // Two draws give 64 bits, enough for any amount these tests use.
    big: (below) => ((BigInt(Math.floor(next() * 2 ** 32)) << 32n) | BigInt(Math.floor(next() * 2 ** 32))) % below,
  };
}
