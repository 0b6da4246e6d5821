// Reputation in Candid, byte for byte what IDL.encode writes, with each change encoded once: a change never
// changes, so its bytes are kept with it (stored as they are, and reused by every reply that lists it) instead of
// encoding a history of HISTORY_LIMIT records again on every update, which cost over a million instructions a record.
// Pure: no 'azle' import.
import { IDL } from '@dfinity/candid';

import { decodeCandid, encodeCandid } from '../shared/candid_cache';
import { Reputation, ReputationChange, Result } from './types';

export const ReputationResult = Result(Reputation);
const History = IDL.Vec(ReputationChange);

const encoded = new WeakMap<ReputationChange, Uint8Array>();

/** A change as one element of a history vector's Candid. */
export function changeBytes(change: ReputationChange): Uint8Array {
  let bytes = encoded.get(change);
  if (bytes === undefined) {
    if (!ReputationChange.covariant(change)) throw new Error('reputation: invalid change');
    encoded.set(change, (bytes = new Uint8Array(ReputationChange.encodeValue(change))));
  }
  return bytes;
}

/** Changes from their stored bytes (changeBytes), each remembering them. */
export function decodeChanges(list: Uint8Array[]): ReputationChange[] {
  const changes = decodeCandid([History], withVector(encodeCandid([History], [[]]), list))[0] as ReputationChange[];
  changes.forEach((change, i) => encoded.set(change, list[i]));
  return changes;
}

/** The same bytes as IDL.encode([ReputationResult], [result]). */
export function encodeReputationResult(result: Result<Reputation>): Uint8Array {
  if ('Err' in result) return encodeCandid([ReputationResult], [result]);
  const empty = encodeCandid([ReputationResult], [{ Ok: { bps: result.Ok.bps, history: [] } }]);
  return withVector(empty, result.Ok.history.map(changeBytes));
}

// `empty` ends with an empty history (its length, 0, is the last byte: history is the last field in both
// records): the same message with `elements` in it instead.
function withVector(empty: Uint8Array, elements: Uint8Array[]): Uint8Array {
  const length = leb128(elements.length);
  const size = elements.reduce((sum, bytes) => sum + bytes.length, empty.length - 1 + length.length);
  const out = new Uint8Array(size);
  out.set(empty.subarray(0, empty.length - 1));
  let offset = empty.length - 1;
  for (const part of [length, ...elements]) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function leb128(n: number): Uint8Array {
  const bytes: number[] = [];
  do {
    const low = n % 128;
    n = Math.floor(n / 128);
    bytes.push(n > 0 ? low | 0x80 : low);
  } while (n > 0);
  return Uint8Array.from(bytes);
}

/** A provider's bps and how many changes it has had (the next change's number), in ten bytes. */
export type ReputationHead = { bps: number; count: bigint };

export const headCodec = {
  toBytes(head: ReputationHead): Uint8Array {
    const bytes = new Uint8Array(10);
    const view = new DataView(bytes.buffer);
    view.setUint16(0, head.bps);
    view.setBigUint64(2, head.count);
    return bytes;
  },
  fromBytes(bytes: Uint8Array): ReputationHead {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { bps: view.getUint16(0), count: view.getBigUint64(2) };
  },
};
