import { describe, expect, it } from 'vitest';

import { decodeUtf8, encodeUtf8, utf8DecoderClass, Utf8Encoder } from '../../../canisters/shared/utf8';
import { random } from '../../support/random';

const CODE_POINTS = [0x24, 0x7f, 0x80, 0xa2, 0x7ff, 0x800, 0x20ac, 0xd7ff, 0xe000, 0xfeff, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff];

function randomString(next: () => number, length: number): string {
  const units: number[] = [];
  for (let i = 0; i < length; i++) {
    const pick = next();
    if (pick < 0.4) units.push(Math.floor(next() * 0x80));
    else if (pick < 0.8)
      units.push(
        ...String.fromCodePoint(CODE_POINTS[Math.floor(next() * CODE_POINTS.length)])
          .split('')
          .map((c) => c.charCodeAt(0)),
      );
    else units.push(0xd800 + Math.floor(next() * 0x800)); // a surrogate, often lone
  }
  return String.fromCharCode(...units);
}

describe('UTF-8 for the canisters', () => {
  it.each([1, 2, 3])('encodes exactly as the platform TextEncoder, lone surrogates included (seed %i)', (seed) => {
    const next = random(seed);
    const platform = new TextEncoder();
    for (let i = 0; i < 500; i++) {
      const text = randomString(next, Math.floor(next() * 40));
      expect(encodeUtf8(text)).toEqual(platform.encode(text));
    }
    expect(new Utf8Encoder().encode()).toEqual(new Uint8Array(0));
  });

  it.each([1, 2, 3])('decodes any bytes exactly as the platform TextDecoder, fatal or replacing (seed %i)', (seed) => {
    const next = random(seed);
    const [replacing, fatal] = [new TextDecoder('utf-8'), new TextDecoder('utf-8', { fatal: true })];
    for (let i = 0; i < 2_000; i++) {
      const interesting = [
        0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x9f, 0xa0, 0x8f, 0x90, 0xbb,
      ];
      const bytes = Uint8Array.from({ length: Math.floor(next() * 12) }, () =>
        next() < 0.5 ? interesting[Math.floor(next() * interesting.length)] : Math.floor(next() * 256),
      );
      expect(decodeUtf8(bytes)).toBe(replacing.decode(bytes));
      let expected: string | Error;
      try {
        expected = fatal.decode(bytes);
      } catch (error) {
        expected = error as Error;
      }
      if (expected instanceof Error) expect(() => decodeUtf8(bytes, true)).toThrow(TypeError);
      else expect(decodeUtf8(bytes, true)).toBe(expected);
    }
  });

  it('decodes texts longer than one call of the engine takes, in ASCII runs and in other characters', () => {
    const next = random(4);
    const platform = new TextDecoder('utf-8');
    for (const text of ['a'.repeat(20_000), 'é'.repeat(9_000) + 'b'.repeat(9_000), randomString(next, 30_000)]) {
      const bytes = new TextEncoder().encode(text);
      expect(decodeUtf8(bytes)).toBe(platform.decode(bytes));
    }
  });

  it('round-trips valid text and handles the byte-order mark as the standard says', () => {
    const next = random(9);
    for (let i = 0; i < 200; i++) {
      const text = randomString(next, 30).replace(/[\ud800-\udfff]/g, 'x');
      expect(decodeUtf8(encodeUtf8(text), true, true)).toBe(text);
    }
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x41]);
    expect(decodeUtf8(bom)).toBe('A');
    expect(decodeUtf8(bom, false, true)).toBe('\ufeffA');
    expect(decodeUtf8(new Uint8Array(70_000).fill(0x61))).toHaveLength(70_000);
  });

  it('leaves other encodings and streaming to the decoder it replaces', () => {
    const Decoder = utf8DecoderClass(TextDecoder as never);
    expect(new Decoder('utf-16le').decode(new Uint8Array([0x41, 0x00]))).toBe('A');
    expect(new Decoder('UTF8').encoding).toBe('utf-8');
    const streaming = new Decoder();
    const euro = new TextEncoder().encode('€');
    expect(streaming.decode(euro.slice(0, 1), { stream: true }) + streaming.decode(euro.slice(1))).toBe('€');
    expect(new Decoder().decode(new Uint16Array([0x4241]))).toBe('AB');
    expect(() => new Decoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff]))).toThrow(TypeError);
  });
});
