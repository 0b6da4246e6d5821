// Canister ids as the replica allocates them: an 8-byte big-endian index followed by 0x01 0x01
// (the opaque-id class), so the first canister is rrkah-fqaaa-aaaaa-aaaaq-cai.
import { Principal } from '@dfinity/principal';

export function canisterIdFromIndex(index: bigint): Principal {
  const bytes = new Uint8Array(10);
  new DataView(bytes.buffer).setBigUint64(0, index);
  bytes[8] = 1;
  bytes[9] = 1;
  return Principal.fromUint8Array(bytes);
}

export function canisterIndex(id: Principal): bigint | null {
  const bytes = id.toUint8Array();
  if (bytes.length !== 10 || bytes[8] !== 1 || bytes[9] !== 1) return null;
  return new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0);
}

/** The range of canister ids this subnet hosts (the first million, like a local replica's). */
export const CANISTER_RANGE: [bigint, bigint] = [0n, 0xfffffn];
