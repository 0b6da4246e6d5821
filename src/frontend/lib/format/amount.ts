// Token amounts: ledgers count base units (bigint); people read and write them with the token's decimals.
// Exact both ways: no floats, no rounding. "1.5" with 8 decimals is 150,000,000 base units and back.

export type Parsed = { ok: true; value: bigint } | { ok: false; error: string };

/**
 * Parses what a person typed ("12", "0.5", ".25", "1.") into base units. Refuses, with a sentence, anything else:
 * signs, exponents, thousands separators, a comma for the decimal point, and more decimals than the token has.
 */
export function parseAmount(text: string, decimals: number, symbol = 'tokens'): Parsed {
  const typed = text.trim();
  if (typed === '') return { ok: false, error: 'Enter an amount.' };
  if (typed.startsWith('-')) return { ok: false, error: 'An amount cannot be negative.' };
  if (/[eE]/.test(typed)) return { ok: false, error: 'Write the amount in full digits, without an exponent.' };
  if (typed.includes(',')) return { ok: false, error: 'Use a dot for decimals and no thousands separators, like 1234.5.' };
  const match = /^\+?(\d*)(?:\.(\d*))?$/.exec(typed);
  if (match === null || (match[1] === '' && (match[2] ?? '') === ''))
    return { ok: false, error: `"${typed}" is not an amount: write it like 12 or 0.5.` };
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) {
    const unit = decimals === 0 ? `${symbol} cannot be divided` : `${symbol} have at most ${decimals} decimal${decimals === 1 ? '' : 's'}`;
    return { ok: false, error: `Too many decimals: ${unit}.` };
  }
  const whole = match[1] === '' ? 0n : BigInt(match[1]);
  return { ok: true, value: whole * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0') };
}

export type FormatOptions = {
  /** Groups the whole part by thousands with commas (default true). */
  group?: boolean;
  /** Shows at least this many decimals, padding with zeros (default 0: trailing zeros are dropped). */
  minDecimals?: number;
};

/** Base units as the token's amount, every significant decimal kept: 150,000,000 with 8 decimals is "1.5". */
export function formatAmount(units: bigint, decimals: number, options: FormatOptions = {}): string {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const scale = 10n ** BigInt(decimals);
  const whole = (magnitude / scale).toString();
  let fraction = decimals === 0 ? '' : (magnitude % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  const min = Math.min(options.minDecimals ?? 0, decimals);
  if (fraction.length < min) fraction = fraction.padEnd(min, '0');
  const grouped = options.group === false ? whole : whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction.length > 0 ? `.${fraction}` : ''}`;
}

export type Token = { symbol: string; decimals: number; fee: bigint };

/** "1.5 LIT". */
export const formatToken = (units: bigint, token: Token, options?: FormatOptions): string =>
  `${formatAmount(units, token.decimals, options)} ${token.symbol}`;

/** Basis points as a percentage: 250 is "2.5%". */
export function formatBps(bps: number | bigint): string {
  return `${formatAmount(BigInt(bps), 2)}%`;
}
