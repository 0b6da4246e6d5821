// Bytes as lowercase hex, the form every canister keys, logs and compares hashes and memos in. Pure.
export function hex(bytes: Uint8Array | number[]): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
