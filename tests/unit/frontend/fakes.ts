// Stand-ins for the canisters, for the web app's services: each test fills in the methods it uses, and every call is
// recorded. No network.
import { Principal } from '@dfinity/principal';

import type { Job } from '../../../canisters/marketplace/job_types';
import type { Actors } from '../../../src/frontend/lib/api/actors';

export const LIT = { symbol: 'LIT', decimals: 8, fee: 10_000n };

export const principal = (n: number): Principal => Principal.fromUint8Array(new Uint8Array([n, 7, 7]));

export const IDS = {
  ledger: principal(1),
  identity: principal(2),
  model_registry: principal(3),
  marketplace: principal(4),
  payment: principal(5),
  bridge: principal(6),
  verification: principal(7),
  governance: principal(8),
  analytics: principal(9),
  faucet: principal(10),
  api: principal(11),
};

export type Call = { canister: string; method: string; args: unknown[] };

/** Actors whose methods are the given functions; a call to any other method throws, naming it. */
export function fakeActors(methods: Partial<Record<keyof typeof IDS, Record<string, (...args: never[]) => unknown>>>) {
  const calls: Call[] = [];
  const actors = { ids: IDS } as Record<string, unknown>;
  for (const canister of Object.keys(IDS)) {
    const own = (methods as Record<string, Record<string, (...args: unknown[]) => unknown>>)[canister] ?? {};
    actors[canister] = new Proxy(
      {},
      {
        get:
          (_, method: string) =>
          async (...args: unknown[]) => {
            calls.push({ canister, method, args });
            const fn = own[method];
            if (!fn) throw new Error(`unexpected call ${canister}.${method}`);
            return fn(...args);
          },
      },
    );
  }
  return { actors: actors as unknown as Actors, calls };
}

export function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 1n,
    consumer: principal(50),
    request: {
      model: 0n,
      input_hash: new Uint8Array(32),
      input_bytes: 2n,
      max_tokens: 32,
      max_price: 100n,
      redundancy: 1,
      lane: { standard: null },
      region: [],
      hardware: { min_vram_gib: 0, min_compute_capability_x10: 0, min_cpu_cores: 0, min_ram_gib: 0 },
      reservation: [],
      input: ['hi'],
      generation: [],
    },
    state: { settled: null },
    offers: [0n],
    quotes: [1_000_000n],
    price: 1_000_000n,
    creator: principal(60),
    royalty_bps: 300,
    result_hash: [],
    paid_nodes: [],
    late_refund_bps: 0,
    failure: [],
    created_at: 1_000n,
    updated_at: 2_000n,
    ...overrides,
  };
}
