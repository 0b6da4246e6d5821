// ICRC-1 textual accounts (dfinity/ICRC-1 standards/ICRC-1/TextualEncoding.md): the owner's principal alone for the
// default subaccount, else `<principal>-<checksum>.<subaccount hex without leading zeros>`, where the checksum is the
// CRC-32 of principal bytes + subaccount bytes, big-endian, in lower-case base 32 without padding. The CRC-32 and
// base 32 are @dfinity/principal's own (the ones principal text uses).
import { base32Encode, getCrc32, Principal } from '@dfinity/principal';

import { toHex as hex } from './misc';

export type IcrcAccount = { owner: Principal; subaccount?: Uint8Array };

const SUBACCOUNT_BYTES = 32;

function checksum(owner: Principal, subaccount: Uint8Array): string {
  const crc = getCrc32(new Uint8Array([...owner.toUint8Array(), ...subaccount]));
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, crc, false);
  return base32Encode(bytes);
}

const isDefault = (subaccount: Uint8Array | undefined): boolean => subaccount === undefined || subaccount.every((b) => b === 0);

/** The canonical text of an account. */
export function encodeAccount({ owner, subaccount }: IcrcAccount): string {
  if (subaccount === undefined || isDefault(subaccount)) return owner.toText();
  if (subaccount.length !== SUBACCOUNT_BYTES) throw new Error(`A subaccount is ${SUBACCOUNT_BYTES} bytes, not ${subaccount.length}.`);
  return `${owner.toText()}-${checksum(owner, subaccount)}.${hex(subaccount).replace(/^0+/, '')}`;
}

export type DecodedAccount = { ok: true; account: IcrcAccount } | { ok: false; error: string };

/** Reads an account's text, refusing (with a sentence) every form the standard calls an error, non-canonical ones included. */
export function decodeAccount(text: string): DecodedAccount {
  const typed = text.trim();
  const principal = (t: string): Principal | undefined => {
    try {
      const p = Principal.fromText(t);
      return p.toText() === t ? p : undefined;
    } catch {
      return undefined;
    }
  };
  const dot = typed.indexOf('.');
  if (dot < 0) {
    const owner = principal(typed);
    return owner ? { ok: true, account: { owner } } : { ok: false, error: `"${typed}" is not a principal or an account.` };
  }
  if (typed.indexOf('.', dot + 1) >= 0) return { ok: false, error: 'An account has at most one dot.' };
  const head = typed.slice(0, dot);
  const tail = typed.slice(dot + 1);
  const dash = head.lastIndexOf('-');
  if (dash < 0) return { ok: false, error: 'The account has a subaccount but no checksum.' };
  const owner = principal(head.slice(0, dash));
  if (owner === undefined) return { ok: false, error: 'The account has a subaccount but no checksum, or its principal is not valid.' };
  const check = head.slice(dash + 1);
  if (!/^[0-9a-f]{1,64}$/.test(tail)) return { ok: false, error: 'The subaccount must be 1 to 64 lower-case hex digits.' };
  if (tail.startsWith('0')) return { ok: false, error: 'The subaccount is not canonical: leading zeros are left out.' };
  const subaccount = new Uint8Array(SUBACCOUNT_BYTES);
  const padded = tail.padStart(SUBACCOUNT_BYTES * 2, '0');
  for (let i = 0; i < SUBACCOUNT_BYTES; i++) subaccount[i] = parseInt(padded.slice(i * 2, i * 2 + 2), 16);
  if (checksum(owner, subaccount) !== check) return { ok: false, error: 'The account’s checksum does not match: check for a typing mistake.' };
  return { ok: true, account: { owner, subaccount } };
}

/** The candid form the canisters take. */
export const toCandidAccount = ({ owner, subaccount }: IcrcAccount): { owner: Principal; subaccount: [] | [Uint8Array] } => ({
  owner,
  subaccount: subaccount === undefined ? [] : [subaccount],
});

/** An account from its candid form. */
export const fromCandidAccount = (account: { owner: Principal; subaccount: [] | [Uint8Array] }): IcrcAccount =>
  account.subaccount.length === 1 ? { owner: account.owner, subaccount: Uint8Array.from(account.subaccount[0]) } : { owner: account.owner };

/** A long id cut to its ends for narrow screens: "rrkah-…-cai". */
export function shorten(text: string, keep = 5): string {
  return text.length <= keep * 2 + 3 ? text : `${text.slice(0, keep)}…${text.slice(-keep)}`;
}
