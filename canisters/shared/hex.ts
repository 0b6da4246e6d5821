// Bytes as lowercase hex, the form every canister keys, logs and compares hashes and memos in. Pure.
export function hex(bytes: Uint8Array | number[]): string {
  // By table and a plain loop: the ledger keys accounts by it several times a transfer, and a callback per byte
  // costs in the canister's JS engine.
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += HEX_BYTE[bytes[i]];
  return text;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
