// The canisters' SHA-256 against the standard's examples and node:crypto, across the lengths where padding changes
// (55, 56 and 64 bytes need one more block or not).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { sha256 } from '../../../canisters/shared/sha256';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('sha256', () => {
  it('gives the FIPS 180-4 examples', () => {
    expect(hex(sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const twoBlocks = new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
    expect(hex(sha256(twoBlocks))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('agrees with node:crypto on every length up to 300 bytes and on a long input', () => {
    let seed = 7;
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) & 0xff);
    for (const n of [...Array.from({ length: 301 }, (_, i) => i), 100_000]) {
      const input = bytes(n);
      expect(hex(sha256(input))).toBe(createHash('sha256').update(input).digest('hex'));
    }
  });
});
