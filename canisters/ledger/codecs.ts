// The stored forms of logged transactions and allowances, written field by field (shared/binary_codec.ts). The log
// was flat JSON (log_codec.ts) and allowances azle's default JSON; entries stored so still read, so an upgrade needs
// no migration. Pure: no 'azle' import (azle's JSON codec is handed in).
import { type Reader, versioned, type Writer } from '../shared/binary_codec';
import { transactionCodec } from './log_codec';
import type { AllowanceEntry } from './state';
import type { Account, Opt, Transaction } from './types';

type Codec<T> = { toBytes(value: T): Uint8Array; fromBytes(bytes: Uint8Array): T };

// Tags are stored: append only, never reorder.
const KINDS = ['mint', 'burn', 'transfer', 'approve'] as const;

const nat = (w: Writer) => (value: bigint) => w.nat(value);
const blob = (w: Writer) => (value: Uint8Array) => w.blob(value);
const account = (w: Writer) => (value: Account) => w.account(value);

function writeTransaction(w: Writer, tx: Transaction): void {
  const kind = KINDS.indexOf(tx.kind);
  if (kind < 0) throw new Error(`unknown transaction kind ${tx.kind}`);
  w.u8(kind).nat(tx.timestamp);
  const op = tx.mint[0] ?? tx.burn[0] ?? tx.transfer[0] ?? tx.approve[0];
  if (op === undefined) throw new Error(`a ${tx.kind} transaction without its operation`);
  if ('from' in op) w.account(op.from);
  if ('to' in op) w.account(op.to);
  if ('spender' in op) {
    if (tx.kind === 'approve') w.account(op.spender as Account);
    else w.opt(op.spender as Opt<Account>, account(w));
  }
  w.nat(op.amount);
  if ('expected_allowance' in op) w.opt(op.expected_allowance, nat(w)).opt(op.expires_at, nat(w));
  if ('fee' in op) w.opt(op.fee, nat(w));
  w.opt(op.memo, blob(w)).opt(op.created_at_time, nat(w));
}

function readTransaction(r: Reader): Transaction {
  const kind = KINDS[r.u8()];
  if (kind === undefined) throw new Error('unknown transaction kind');
  const tx: Transaction = { kind, mint: [], burn: [], transfer: [], approve: [], timestamp: r.nat() };
  const readAccount = () => r.account();
  const readNat = () => r.nat();
  const tail = () => ({ memo: r.opt(() => r.blob()), created_at_time: r.opt(readNat) });
  if (kind === 'mint') tx.mint = [{ to: r.account(), amount: r.nat(), ...tail() }];
  if (kind === 'burn') tx.burn = [{ from: r.account(), spender: r.opt(readAccount), amount: r.nat(), ...tail() }];
  if (kind === 'transfer') {
    tx.transfer = [{ from: r.account(), to: r.account(), spender: r.opt(readAccount), amount: r.nat(), fee: r.opt(readNat), ...tail() }];
  }
  if (kind === 'approve') {
    tx.approve = [
      {
        from: r.account(),
        spender: r.account(),
        amount: r.nat(),
        expected_allowance: r.opt(readNat),
        expires_at: r.opt(readNat),
        fee: r.opt(readNat),
        ...tail(),
      },
    ];
  }
  return tx;
}

export const storedTransaction = versioned<Transaction>(writeTransaction, readTransaction, transactionCodec);

/** Allowances; `earlier` reads the ones azle's default JSON stored. */
export function storedAllowance(earlier: Codec<AllowanceEntry>): Codec<AllowanceEntry> {
  return versioned<AllowanceEntry>(
    (w, entry) => w.nat(entry.amount).opt(entry.expires_at, nat(w)),
    (r) => ({ amount: r.nat(), expires_at: r.opt(() => r.nat()) }),
    earlier,
  );
}

/**
 * ASCII keys that keep the bytes of the last key written: a transfer's dedup key, a few hundred characters, is
 * looked up and then stored under two maps in one message, and each encoding walks it character by character.
 */
export function lastKeyKept(codec: Codec<string>): Codec<string> {
  let text: string | undefined;
  let bytes: Uint8Array = new Uint8Array();
  return {
    toBytes(value) {
      if (value !== text) [text, bytes] = [value, codec.toBytes(value)];
      return bytes;
    },
    fromBytes: (stored) => codec.fromBytes(stored),
  };
}
