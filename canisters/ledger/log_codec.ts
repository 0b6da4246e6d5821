// The byte form of a logged transaction: one flat JSON object of strings, built field by field, because
// azle's default serializer walks every value through a replacer and writes principals as checksummed
// text, which made the log write the dearest part of a transfer.
import { Principal } from '@dfinity/principal';

import { hex } from '../shared/hex';
import { asciiText } from '../shared/stable_codecs';
import type { Account, Opt, Transaction } from './types';

// Every field a kind may have; absent ones are left out. Accounts are "owner" or "owner.subaccount" in hex.
type Stored = {
  kind: Transaction['kind'];
  timestamp: string;
  from?: string;
  to?: string;
  spender?: string;
  amount: string;
  fee?: string;
  memo?: string;
  created_at_time?: string;
  expected_allowance?: string;
  expires_at?: string;
};

export const transactionCodec = {
  toBytes(tx: Transaction): Uint8Array {
    return asciiText.toBytes(JSON.stringify(store(tx)));
  },
  fromBytes(bytes: Uint8Array): Transaction {
    return load(JSON.parse(asciiText.fromBytes(bytes)) as Stored);
  },
};

function store(tx: Transaction): Stored {
  const op = tx.mint[0] ?? tx.burn[0] ?? tx.transfer[0] ?? tx.approve[0]!;
  const stored: Stored = { kind: tx.kind, timestamp: tx.timestamp.toString(), amount: op.amount.toString() };
  if ('from' in op) stored.from = storeAccount(op.from);
  if ('to' in op) stored.to = storeAccount(op.to);
  if ('spender' in op) stored.spender = Array.isArray(op.spender) ? opt(op.spender, storeAccount) : storeAccount(op.spender);
  if ('fee' in op) stored.fee = opt(op.fee, String);
  stored.memo = opt(op.memo, hex);
  stored.created_at_time = opt(op.created_at_time, String);
  if ('expires_at' in op) {
    stored.expected_allowance = opt(op.expected_allowance, String);
    stored.expires_at = opt(op.expires_at, String);
  }
  return stored;
}

function load(s: Stored): Transaction {
  const common = { amount: BigInt(s.amount), memo: some(s.memo, fromHex), created_at_time: some(s.created_at_time, BigInt) };
  const tx: Transaction = { kind: s.kind, mint: [], burn: [], transfer: [], approve: [], timestamp: BigInt(s.timestamp) };
  if (s.kind === 'mint') tx.mint = [{ to: loadAccount(s.to!), ...common }];
  if (s.kind === 'burn') tx.burn = [{ from: loadAccount(s.from!), spender: some(s.spender, loadAccount), ...common }];
  if (s.kind === 'transfer') {
    tx.transfer = [
      { from: loadAccount(s.from!), to: loadAccount(s.to!), spender: some(s.spender, loadAccount), fee: some(s.fee, BigInt), ...common },
    ];
  }
  if (s.kind === 'approve') {
    tx.approve = [
      {
        from: loadAccount(s.from!),
        spender: loadAccount(s.spender!),
        fee: some(s.fee, BigInt),
        expected_allowance: some(s.expected_allowance, BigInt),
        expires_at: some(s.expires_at, BigInt),
        ...common,
      },
    ];
  }
  return tx;
}

function opt<T>(value: Opt<T>, f: (value: T) => string): string | undefined {
  return value.length === 0 ? undefined : f(value[0]);
}

function some<T>(value: string | undefined, f: (value: string) => T): Opt<T> {
  return value === undefined ? [] : [f(value)];
}

// Keeps a null subaccount apart from an all-zero one, so the log shows exactly what the caller sent.
function storeAccount(account: Account): string {
  const owner = hex(account.owner.toUint8Array());
  return account.subaccount.length === 0 ? owner : `${owner}.${hex(account.subaccount[0])}`;
}

function loadAccount(text: string): Account {
  const [owner, subaccount] = text.split('.');
  return { owner: Principal.fromUint8Array(fromHex(owner)), subaccount: subaccount === undefined ? [] : [fromHex(subaccount)] };
}

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
