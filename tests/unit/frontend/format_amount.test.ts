// The web app's amounts: base units shown with the token's decimals and typed input parsed back exactly.
import { describe, expect, it } from 'vitest';

import { formatAmount, formatBps, formatToken, parseAmount } from '../../../src/frontend/lib/format/amount';

const parsed = (text: string, decimals = 8) => {
  const result = parseAmount(text, decimals, 'LIT');
  return result.ok ? result.value : result.error;
};

describe('formatAmount', () => {
  it('shows every significant decimal and no trailing zeros', () => {
    expect(formatAmount(150_000_000n, 8)).toBe('1.5');
    expect(formatAmount(1n, 8)).toBe('0.00000001');
    expect(formatAmount(0n, 8)).toBe('0');
    expect(formatAmount(10_000n, 8)).toBe('0.0001');
    expect(formatAmount(123_456_789_000_000_000n, 8)).toBe('1,234,567,890');
    expect(formatAmount(123_456_789_012_345_678n, 8, { group: false })).toBe('1234567890.12345678');
    expect(formatAmount(5n, 0)).toBe('5');
    expect(formatAmount(1_000_000n, 6, { minDecimals: 2 })).toBe('1.00');
    expect(formatAmount(-250n, 2)).toBe('-2.5');
  });

  it('keeps amounts beyond 2^53 exact', () => {
    const huge = 2n ** 64n + 1n;
    expect(formatAmount(huge, 8, { group: false })).toBe('184467440737.09551617');
  });

  it('names the token and shows basis points as percent', () => {
    expect(formatToken(123_450_000n, { symbol: 'LIT', decimals: 8, fee: 10_000n })).toBe('1.2345 LIT');
    expect(formatBps(250)).toBe('2.5%');
    expect(formatBps(10_000)).toBe('100%');
  });
});

describe('parseAmount', () => {
  it('reads what people type into base units', () => {
    expect(parsed('1.5')).toBe(150_000_000n);
    expect(parsed('12')).toBe(1_200_000_000n);
    expect(parsed(' 0.00000001 ')).toBe(1n);
    expect(parsed('.25')).toBe(25_000_000n);
    expect(parsed('3.')).toBe(300_000_000n);
    expect(parsed('+2')).toBe(200_000_000n);
    expect(parsed('7', 0)).toBe(7n);
  });

  it('round-trips with formatAmount for every decimals 0 to 18', () => {
    const values = [0n, 1n, 9n, 10n, 99_999n, 10n ** 18n, 123_456_789_012_345_678_901n, 2n ** 70n - 1n];
    for (let decimals = 0; decimals <= 18; decimals++)
      for (const units of values) expect(parseAmount(formatAmount(units, decimals, { group: false }), decimals)).toEqual({ ok: true, value: units });
  });

  it('refuses bad input with a sentence', () => {
    const cases: [string, RegExp][] = [
      ['', /Enter an amount/],
      ['-1', /cannot be negative/],
      ['1e3', /without an exponent/],
      ['1,5', /dot for decimals/],
      ['1,000.5', /no thousands separators/],
      ['abc', /is not an amount/],
      ['.', /is not an amount/],
      ['1.2.3', /is not an amount/],
      ['0x10', /is not an amount/],
      ['1.000000001', /at most 8 decimals/],
    ];
    for (const [text, sentence] of cases) {
      const result = parseAmount(text, 8, 'LIT');
      expect(result.ok, text).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatch(sentence);
        expect(result.error).toMatch(/[.]$/);
      }
    }
    expect(parseAmount('1.5', 0, 'TOK')).toEqual({ ok: false, error: 'Too many decimals: TOK cannot be divided.' });
  });
});
