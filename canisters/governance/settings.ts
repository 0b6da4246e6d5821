// Governance's settings across upgrades. They are stored as azle's JSON, not Candid, so settings stored before a
// peer existed lack that peer's field altogether instead of reading it as none: they are completed here. Pure.
import type { Peers, Settings } from './types';

/** No canister named: what init keeps when its argument names none. */
export const NO_PEERS: Peers = {
  ledger: [],
  identity: [],
  model_registry: [],
  marketplace: [],
  payment: [],
  bridge: [],
  verification: [],
  analytics: [],
  api: [],
};

/** Stored settings with every peer added since they were stored as none. */
export function withAllPeers(stored: Settings): Settings {
  return { ...stored, peers: { ...NO_PEERS, ...stored.peers } };
}
