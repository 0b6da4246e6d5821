import { sha256 } from '@noble/hashes/sha2';
import { describe, expect, it } from 'vitest';

import { hex } from '../../../canisters/shared/hex';
import { escrowSubaccount, POOL_SUBACCOUNT, TREASURY_SUBACCOUNT } from '../../../canisters/payment/subaccounts';

describe('escrow subaccounts', () => {
  it('are 32 bytes and the same for a job every time', () => {
    expect(escrowSubaccount(7n)).toHaveLength(32);
    expect(hex(escrowSubaccount(7n))).toBe(hex(escrowSubaccount(7n)));
  });

  it('follow the documented derivation: sha256(len, domain, job id as 8 big-endian bytes)', () => {
    const domain = new TextEncoder().encode('icp-market-payment-escrow');
    const input = new Uint8Array([domain.length, ...domain, 0, 0, 0, 0, 0, 0, 1, 2]);
    expect(hex(escrowSubaccount(0x0102n))).toBe(hex(sha256(input)));
  });

  it('differ between jobs, and from the pool and the treasury', () => {
    const seen = new Set([hex(POOL_SUBACCOUNT), hex(TREASURY_SUBACCOUNT)]);
    const ids = [...Array.from({ length: 1_000 }, (_, i) => BigInt(i)), 2n ** 64n - 1n, 2n ** 32n, 256n];
    for (const id of ids) seen.add(hex(escrowSubaccount(id)));
    expect(seen.size).toBe(2 + new Set(ids).size);
  });

  it('refuse ids outside nat64', () => {
    expect(() => escrowSubaccount(-1n)).toThrow(RangeError);
    expect(() => escrowSubaccount(2n ** 64n)).toThrow(RangeError);
  });
});
