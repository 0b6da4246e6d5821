// Byte forms for StableBTreeMap keys and values that cost less than azle's default (JSON through a replacer, then
// a TextEncoder written in JS). Pure: no 'azle' import.
import type { IDL } from '@dfinity/candid';

import { decodeCandid, encodeCandid } from './candid_cache';

/** ASCII strings, one byte per character. */
export const asciiText = {
  toBytes(text: string): Uint8Array {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) throw new Error(`not an ASCII key: ${text}`);
      bytes[i] = code;
    }
    return bytes;
  },
  fromBytes(bytes: Uint8Array): string {
    return String.fromCharCode(...bytes);
  },
};

/** Non-negative bigints (balances, indexes, times) as their decimal digits. */
export const decimal = {
  toBytes(value: bigint): Uint8Array {
    return asciiText.toBytes(value.toString());
  },
  fromBytes(bytes: Uint8Array): bigint {
    return BigInt(asciiText.fromBytes(bytes));
  },
};

/** nat64 ids big-endian, so the map keeps them in numeric order (JSON keys would put 10 before 9). */
export const u64Key = {
  toBytes(id: bigint): Uint8Array {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, id);
    return bytes;
  },
  fromBytes(bytes: Uint8Array): bigint {
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0);
  },
};

/** Values that are bytes already (a byte form made elsewhere, Candid kept as it is), stored as they are. */
export const rawBytes = {
  toBytes: (bytes: Uint8Array): Uint8Array => bytes,
  fromBytes: (bytes: Uint8Array): Uint8Array => bytes,
};

/**
 * Values as Candid of their declared type: the type table is cached (candid_cache.ts), so a write costs the
 * value's bytes only, and the stored form is the canister's own interface type, readable by any Candid tool.
 */
export function candidValue<T>(type: IDL.Type): { toBytes(value: T): Uint8Array; fromBytes(bytes: Uint8Array): T } {
  return {
    toBytes: (value) => encodeCandid([type], [value]),
    fromBytes: (bytes) => decodeCandid([type], bytes)[0] as T,
  };
}
