// The identity canister's state in stable memory, as the tables the rules in identity.ts use.
// Values use azle's JSON, which round-trips bigint, Principal and Uint8Array, except where a cheaper codec is named.
import { StableBTreeMap } from 'azle';

import { HeapCachedMap } from '../shared/heap_cached_map';
import { asciiText, decimal, rawBytes } from '../shared/stable_codecs';

import type { ClaimCode, StoredNode } from './claims';
import type { Tables } from './identity';
import { MEMORY } from './memory';
import { headCodec, type ReputationHead } from './reputation_codec';
import type { OutboxEntry } from './standing_outbox';
import type { PendingSlash, Reputation, Settings, SlashRecord, Stake, UserAccount } from './types';

// Paged by governance's voting-power snapshot (bonded_stakes), which needs the keys as well as the values.
export const stakeMap = new StableBTreeMap<string, Stake>(MEMORY.stakes);

export const stableTables: Tables = {
  settings: new StableBTreeMap<string, Settings>(MEMORY.settings),
  // Read by every standing push and reputation change.
  accounts: new HeapCachedMap(new StableBTreeMap<string, UserAccount>(MEMORY.accounts)),
  nodes: new StableBTreeMap<string, StoredNode>(MEMORY.nodes),
  claimCodes: new StableBTreeMap<string, ClaimCode>(MEMORY.claim_codes),
  stakes: new HeapCachedMap(stakeMap),
  slashes: new StableBTreeMap<string, SlashRecord>(MEMORY.slashes),
  reputations: new StableBTreeMap<string, Reputation>(MEMORY.reputations),
  reputationHeads: new StableBTreeMap<string, ReputationHead>(MEMORY.reputation_heads, asciiText, headCodec),
  // Each change's Candid as reputation_codec.ts wrote it.
  reputationChanges: new StableBTreeMap<string, Uint8Array>(MEMORY.reputation_changes, asciiText, rawBytes),
  outbox: new StableBTreeMap<string, bigint>(MEMORY.outbox_seqs, asciiText, decimal),
  earlierOutbox: new StableBTreeMap<string, OutboxEntry>(MEMORY.standing_outbox),
  pendingSlashes: new StableBTreeMap<string, PendingSlash>(MEMORY.pending_slashes),
  counters: new StableBTreeMap<string, bigint>(MEMORY.counters),
  unclaimed: new StableBTreeMap<string, string>(MEMORY.unclaimed_nodes),
};
