// Accounts as ICRC-1 defines them: a principal and a 32-byte subaccount, where none means all zeros.
import { hex } from '../shared/hex';
import type { Account, Opt } from './types';

export const SUBACCOUNT_LENGTH = 32;

const DEFAULT_SUBACCOUNT = new Uint8Array(SUBACCOUNT_LENGTH);

export function validSubaccount(subaccount: Opt<Uint8Array>): boolean {
  return subaccount.length === 0 || subaccount[0].length === SUBACCOUNT_LENGTH;
}

function subaccountOf(account: Account): Uint8Array {
  return account.subaccount[0] ?? DEFAULT_SUBACCOUNT;
}

// Keys of the account objects a message has already keyed: decoded arguments are not changed after decoding.
const keys = new WeakMap<Account, string>();

/**
 * The key of an account in the tables: the owner's bytes, then the subaccount unless it is the default,
 * so a null and an all-zero subaccount are one account. Hex rather than principal text, which costs a
 * checksum and base32 in every message.
 */
export function accountKey(account: Account): string {
  const known = keys.get(account);
  if (known !== undefined) return known;
  const owner = hex(account.owner.toUint8Array());
  const subaccount = subaccountOf(account);
  const key = subaccount.every((byte) => byte === 0) ? owner : `${owner}.${hex(subaccount)}`;
  keys.set(account, key);
  return key;
}

export function sameAccount(a: Account, b: Account): boolean {
  return accountKey(a) === accountKey(b);
}
