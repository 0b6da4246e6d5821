// Compact byte forms for the StableBTreeMaps. Azle's default (JSON through a replacer, then a TextEncoder
// written in JS) costs millions of instructions per access; the keys here are ASCII by construction and
// the numbers are bigint, so plain character codes do.

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
