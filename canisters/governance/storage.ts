// The governance canister's state in stable memory. Proposals, ballots and locks are Candid of their declared
// types (candid_cache.ts keeps that cheap); Wasm chunks are raw bytes. The small settings record keeps azle's JSON
// and lives on the heap after the first read (stable_cell.ts).
import { StableBTreeMap } from 'azle';

import { stableCell } from '../shared/stable_cell';
import { asciiText, candidValue, decimal, u64Key } from '../shared/stable_codecs';
import { MEMORY } from './memory';
import { Ballot, Lock, Proposal, type Settings } from './types';

const bytes = { toBytes: (b: Uint8Array) => b, fromBytes: (b: Uint8Array) => b };

export const stableSettings = stableCell<string, Settings>(new StableBTreeMap<string, Settings>(MEMORY.settings), 'settings', 'governance');
export const proposals = new StableBTreeMap<bigint, Proposal>(MEMORY.proposals, u64Key, candidValue<Proposal>(Proposal));
/** Keyed by ballotKey: every voter's power in a proposal, written when it is created, and the vote cast. */
export const ballots = new StableBTreeMap<string, Ballot>(MEMORY.ballots, asciiText, candidValue<Ballot>(Ballot));
/** Keyed by the holder's principal text. */
export const locks = new StableBTreeMap<string, Lock>(MEMORY.locks, asciiText, candidValue<Lock>(Lock));
/** Keyed by chunkKey: the Wasm uploaded for an upgrade proposal, in order. */
export const wasmChunks = new StableBTreeMap<string, Uint8Array>(MEMORY.wasm_chunks, asciiText, bytes);
export const counters = new StableBTreeMap<string, bigint>(MEMORY.counters, asciiText, decimal);

// Zero-padded ids keep one proposal's entries together and in order.
const pad = (n: bigint | number) => n.toString().padStart(20, '0');
export const ballotKey = (proposal: bigint, voter: string): string => `${pad(proposal)}:${voter}`;
export const chunkKey = (proposal: bigint, index: number): string => `${pad(proposal)}:${pad(index)}`;

/** The next value of a counter (proposal ids, lock nonces), counted from zero. */
export function nextCount(name: string): bigint {
  const next = counters.get(name) ?? 0n;
  counters.insert(name, next + 1n);
  return next;
}
