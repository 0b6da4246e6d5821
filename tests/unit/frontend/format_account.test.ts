// ICRC-1 textual accounts, checked against the standard's own examples and against @dfinity/ledger-icrc's
// encodeIcrcAccount as an independent implementation.
import { encodeIcrcAccount } from '@dfinity/ledger-icrc';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { decodeAccount, encodeAccount, fromCandidAccount, toCandidAccount } from '../../../src/frontend/lib/format/account';

const OWNER = Principal.fromText('k2t6j-2nvnp-4zjm3-25dtz-6xhaa-c7boj-5gayf-oj3xs-i43lp-teztq-6ae');
const SEQUENCE = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const ONE = Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 1 : 0));

// A deterministic generator, so a failure repeats.
function bytes(seed: number, length: number): Uint8Array {
  let x = seed;
  return Uint8Array.from({ length }, () => {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    return x >>> 24;
  });
}

describe('encodeAccount', () => {
  it('matches the standard’s examples', () => {
    expect(encodeAccount({ owner: OWNER })).toBe(OWNER.toText());
    expect(encodeAccount({ owner: OWNER, subaccount: new Uint8Array(32) })).toBe(OWNER.toText());
    expect(encodeAccount({ owner: OWNER, subaccount: SEQUENCE })).toBe(
      'k2t6j-2nvnp-4zjm3-25dtz-6xhaa-c7boj-5gayf-oj3xs-i43lp-teztq-6ae-dfxgiyy.102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20',
    );
    expect(encodeAccount({ owner: OWNER, subaccount: ONE })).toBe('k2t6j-2nvnp-4zjm3-25dtz-6xhaa-c7boj-5gayf-oj3xs-i43lp-teztq-6ae-6cc627i.1');
  });

  it('agrees with @dfinity/ledger-icrc for random owners and subaccounts, with and without leading zeros', () => {
    for (let i = 0; i < 300; i++) {
      const owner = Principal.fromUint8Array(bytes(i + 1, 1 + (i % 29)));
      const subaccount = bytes(i + 1_000, 32);
      // Leading zero bytes (and a zero high nibble) for some: the hex is trimmed of leading '0's.
      subaccount.fill(0, 0, i % 33);
      if (i % 5 === 0) subaccount[Math.min(31, i % 33)] &= 0x0f;
      expect(encodeAccount({ owner, subaccount })).toBe(encodeIcrcAccount({ owner, subaccount }));
      expect(encodeAccount({ owner })).toBe(encodeIcrcAccount({ owner }));
    }
  });

  it('refuses a subaccount that is not 32 bytes', () => {
    expect(() => encodeAccount({ owner: OWNER, subaccount: new Uint8Array([1]) })).toThrow(/32 bytes/);
  });
});

describe('decodeAccount', () => {
  it('reads back what it writes', () => {
    for (let i = 0; i < 100; i++) {
      const owner = Principal.fromUint8Array(bytes(i + 7, 1 + (i % 29)));
      const subaccount = bytes(i + 77, 32);
      subaccount.fill(0, 0, i % 32);
      const decoded = decodeAccount(encodeAccount({ owner, subaccount }));
      expect(decoded.ok).toBe(true);
      if (decoded.ok) {
        expect(decoded.account.owner.toText()).toBe(owner.toText());
        expect(Array.from(decoded.account.subaccount ?? new Uint8Array(32))).toEqual(Array.from(subaccount));
      }
    }
  });

  it('follows the standard’s table: valid forms accepted, the others refused with a sentence', () => {
    const base = 'k2t6j-2nvnp-4zjm3-25dtz-6xhaa-c7boj-5gayf-oj3xs-i43lp-teztq-6ae';
    expect(decodeAccount(base)).toMatchObject({ ok: true, account: { owner: OWNER } });
    expect(decodeAccount(`${base}-6cc627i.1`)).toMatchObject({ ok: true, account: { subaccount: ONE } });
    const refused: [string, RegExp][] = [
      [`${base}-q6bn32y.`, /hex digits/],
      ['k2t6j2nvnp4zjm3-25dtz6xhaac7boj5gayfoj3xs-i43lp-teztq-6ae', /not a principal/],
      [`${base}-6cc627i.01`, /leading zeros/],
      [`${base}.1`, /checksum/],
      [`${base}-aaaaaaa.1`, /checksum does not match/],
      [`${base}-6cc627i.1.2`, /at most one dot/],
    ];
    for (const [text, sentence] of refused) {
      const decoded = decodeAccount(text);
      expect(decoded.ok, text).toBe(false);
      if (!decoded.ok) expect(decoded.error).toMatch(sentence);
    }
  });

  it('converts to and from the candid record', () => {
    expect(toCandidAccount({ owner: OWNER })).toEqual({ owner: OWNER, subaccount: [] });
    expect(fromCandidAccount({ owner: OWNER, subaccount: [ONE] })).toEqual({ owner: OWNER, subaccount: ONE });
  });
});
