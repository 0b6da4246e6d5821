// The bridge's state in stable memory. Never reuse or renumber a memory id.
import { IDL, StableBTreeMap } from 'azle';

import { HeapCachedMap } from '../shared/heap_cached_map';
import { stableCell } from '../shared/stable_cell';
import { asciiText, candidValue, rawBytes, u64Key } from '../shared/stable_codecs';
import { Audit, Awaiting, DispatchRequest, Dispute, Endpoint, Health, JobOutput, LongReRun, Outcome, Probes, type Settings } from './types';

// analytics: the analytics canister's id (shared/analytics_reporter.ts), a high id clear of the others as they grow.
export const MEMORY = {
  settings: 0,
  endpoints: 1,
  pending: 2,
  outputs: 3,
  health: 4,
  awaiting: 5,
  audits: 6,
  probes: 7,
  unreported: 8,
  settled: 9,
  disputes: 10,
  disputed: 11,
  endpointUrls: 12,
  providerEndpoints: 13,
  reRuns: 14,
  inCall: 15,
  replicas: 16,
  analytics: 20,
} as const;

export const stableSettings = stableCell<string, Settings>(new StableBTreeMap<string, Settings>(MEMORY.settings), 'settings', 'bridge');
/** Endpoints by the node's principal (hex), read on every job. */
export const endpoints = new HeapCachedMap(
  new StableBTreeMap<string, Endpoint>(MEMORY.endpoints, asciiText, candidValue<Endpoint>(Endpoint)),
);
type Codec<V> = { toBytes(value: V): Uint8Array; fromBytes(bytes: Uint8Array): V };

// A request written to pending and then to settled is encoded once.
const requestBytes = new WeakMap<DispatchRequest, Uint8Array>();
const requestCodec = candidValue<DispatchRequest>(DispatchRequest);
const memoizedRequest: Codec<DispatchRequest> = {
  toBytes: (request) => {
    let bytes = requestBytes.get(request);
    if (bytes === undefined) requestBytes.set(request, (bytes = requestCodec.toBytes(request)));
    return bytes;
  },
  fromBytes: requestCodec.fromBytes,
};

/**
 * A map of values stored as `codec` writes them (the bytes a StableBTreeMap of that codec holds), where removing
 * an entry does not decode the value it drops, as azle's remove does to return it.
 */
class EncodedMap<V> {
  constructor(
    private readonly map: StableBTreeMap<bigint, Uint8Array>,
    private readonly codec: Codec<V>,
  ) {}

  get(key: bigint): V | undefined {
    const bytes = this.map.get(key);
    return bytes === undefined ? undefined : this.codec.fromBytes(bytes);
  }

  insert(key: bigint, value: V): void {
    this.map.insert(key, this.codec.toBytes(value));
  }

  remove(key: bigint): void {
    this.map.remove(key);
  }

  containsKey(key: bigint): boolean {
    return this.map.containsKey(key);
  }

  keys(): bigint[] {
    return this.map.keys();
  }

  values(): V[] {
    return this.map.values().map((bytes) => this.codec.fromBytes(bytes));
  }

  len(): number {
    return this.map.len();
  }
}

const requests = (memory: number) => new EncodedMap(new StableBTreeMap<bigint, Uint8Array>(memory, u64Key, rawBytes), memoizedRequest);

/** Jobs handed over and not yet answered: a restart or an upgrade dispatches them again. */
// Read back from the heap while its job runs.
export const pending = new HeapCachedMap(requests(MEMORY.pending));
export const outputs = new StableBTreeMap<bigint, JobOutput>(MEMORY.outputs, u64Key, candidValue<JobOutput>(JobOutput));
/** The last heartbeat of each node with an endpoint, by the node's principal (hex). */
export const health = new StableBTreeMap<string, Health>(MEMORY.health, asciiText, candidValue<Health>(Health));
/** Long jobs acknowledged by a worker, until it posts the result. */
export const awaiting = new StableBTreeMap<bigint, Awaiting>(MEMORY.awaiting, u64Key, candidValue<Awaiting>(Awaiting));
/** Random audits of settled jobs. */
export const audits = new StableBTreeMap<bigint, Audit>(MEMORY.audits, u64Key, candidValue<Audit>(Audit));
/** Health probes by node (hex). */
export const probes = new StableBTreeMap<string, Probes>(MEMORY.probes, asciiText, candidValue<Probes>(Probes));
/** Outcomes the marketplace did not receive (stopped, upgrading, out of cycles): sent again by the timer. */
export const unreported = new StableBTreeMap<bigint, Outcome>(MEMORY.unreported, u64Key, candidValue<Outcome>(Outcome));
/** Settled jobs still open to dispute (see disputes.ts): what an audit or a dispute re-runs. */
export const settled = requests(MEMORY.settled);
/** The endpoints of every node that gave a redundant job's delivered output (the runner's first), while it is open to dispute. */
export const replicas = new StableBTreeMap<bigint, Endpoint[]>(MEMORY.replicas, u64Key, candidValue<Endpoint[]>(IDL.Vec(Endpoint)));
export const disputes = new StableBTreeMap<bigint, Dispute>(MEMORY.disputes, u64Key, candidValue<Dispute>(Dispute));
/** The disputed job ids of jobs each provider's nodes ran, newest last (see withDisputed), by the provider (hex). */
export const disputed = new StableBTreeMap<string, bigint[]>(MEMORY.disputed, asciiText, candidValue<bigint[]>(IDL.Vec(IDL.Nat64)));
/** The node (hex) registered at each endpoint URL: one node per URL. */
export const endpointUrls = new StableBTreeMap<string, string>(MEMORY.endpointUrls, asciiText, candidValue<string>(IDL.Text));
/** The nodes (hex) with an endpoint, by provider (hex): what the cap per provider counts. */
export const providerEndpoints = new StableBTreeMap<string, string[]>(
  MEMORY.providerEndpoints,
  asciiText,
  candidValue<string[]>(IDL.Vec(IDL.Text)),
);
/** Long jobs' audit and dispute re-runs handed to auditors, until their answers are posted or the deadline passes. */
export const reRuns = new StableBTreeMap<bigint, LongReRun>(MEMORY.reRuns, u64Key, candidValue<LongReRun>(LongReRun));
/**
 * Jobs the marketplace is awaiting inside its run_job call (the bridge's run). If that call ends without this
 * bridge's answer (a trap, an upgrade mid-run), the marketplace refunds the job itself, so an upgrade drops these
 * instead of running them again: a refunded job must not be run, nor its output delivered.
 */
export const inCall = new StableBTreeMap<bigint, boolean>(MEMORY.inCall, u64Key, candidValue<boolean>(IDL.Bool));
