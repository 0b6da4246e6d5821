// Small formatting helpers: sizes, hex, variants' names.

/** Bytes in binary units: 1536 is "1.5 KiB". */
export function formatBytes(bytes: bigint | number): string {
  const n = Number(bytes);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

export const toHex = (bytes: Uint8Array | number[]): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** A hex string as bytes, or undefined when it is not whole bytes of hex. */
export function fromHex(text: string): Uint8Array | undefined {
  const clean = text.trim().toLowerCase();
  if (!/^([0-9a-f]{2})*$/.test(clean)) return undefined;
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** The name of a candid variant value: { settled: null } is "settled". */
export const variantName = (value: object): string => Object.keys(value)[0] ?? '';

/** A variant's name in words: "text_generation" is "text generation". */
export const variantWords = (value: object): string => {
  const name = variantName(value);
  const payload = (value as Record<string, unknown>)[name];
  return typeof payload === 'string' && payload !== '' ? payload : name.replace(/_/g, ' ');
};

/** An optional candid value as T | undefined. */
export const opt = <T>(value: [] | [T]): T | undefined => (value.length === 1 ? value[0] : undefined);

/** A count with thousands separators. */
export const formatCount = (n: number | bigint): string => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
