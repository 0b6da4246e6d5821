// The embedded local ICP network: see README.md, "The local network".
export { LocalNetwork, type LocalNetworkOptions, type CallOptions } from './network.js';
export { type Actor } from './actor.js';
export { Reject, RejectCode, ErrorCode } from './errors.js';
export { MANAGEMENT_CANISTER } from './scheduler.js';
export type { Counters } from './canister.js';
