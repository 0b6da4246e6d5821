// The parts of the system state tree a read_state request can ask for (spec: "The system state
// tree"), revealed exactly along the requested paths, with /time always included.
import { Cbor } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';

import { type HashTree, leaf, leb128, node } from '../certification/hash_tree.js';

/** A state subtree: a leaf value, or children by label. */
export type StateNode = Uint8Array | Map<string, [Uint8Array, StateNode]>;

const encoder = new TextEncoder();

export function children(entries: [string | Uint8Array, StateNode | undefined][]): StateNode {
  const map = new Map<string, [Uint8Array, StateNode]>();
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const label = typeof name === 'string' ? encoder.encode(name) : name;
    map.set(Buffer.from(label).toString('hex'), [label, value]);
  }
  return map;
}

/** Reveals the parts of a state tree that lie on or under the given paths. */
export function reveal(state: StateNode, paths: Uint8Array[][]): HashTree {
  if (state instanceof Uint8Array) return leaf(state);
  const whole = paths.some((p) => p.length === 0);
  const entries: [Uint8Array, HashTree][] = [];
  for (const [label, child] of state.values()) {
    const below = whole ? [[]] : paths.filter((p) => Buffer.compare(p[0], label) === 0).map((p) => p.slice(1));
    if (below.length > 0) entries.push([label, reveal(child, below)]);
  }
  return node(entries);
}

export const nat = (value: bigint | number): Uint8Array => leb128(BigInt(value));
export const text = (value: string): Uint8Array => encoder.encode(value);

/** /canister/<id>/controllers: a self-describing CBOR array of principals. */
export function controllersValue(controllers: Principal[]): Uint8Array {
  return Cbor.encode(controllers.map((c) => c.toUint8Array()));
}

/** /subnet/<id>/canister_ranges: CBOR list of [start, end] principal pairs. */
export function rangesValue(ranges: [Principal, Principal][]): Uint8Array {
  return Cbor.encode(ranges.map(([start, end]) => [start.toUint8Array(), end.toUint8Array()]));
}
