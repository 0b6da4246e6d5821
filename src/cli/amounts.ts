// Token amounts as people write them ("1.5") and as ledgers count them (base units), for a token with `decimals`.

/** "1.5" with 8 decimals is 150,000,000 base units. Refuses more decimals than the token has, signs and garbage. */
export function parseAmount(text: string, decimals: number): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (match === null) throw new Error(`not an amount: ${JSON.stringify(text)} (write it like 12 or 0.5)`);
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) throw new Error(`${text} has more than ${decimals} decimals`);
  return BigInt(match[1]) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
}

/** 150,000,000 base units with 8 decimals is "1.5". */
export function formatAmount(units: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const whole = units / scale;
  const fraction = (units % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return fraction.length > 0 ? `${whole}.${fraction}` : whole.toString();
}
