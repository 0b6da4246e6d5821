// What the benchmarks print in common: numbers, percentiles and the per-canister cost of a job.
import type { Principal } from '@dfinity/principal';

import type { Counters } from '../src/localnet/canister.js';
import { INSTRUCTION_LIMITS } from '../src/localnet/cycles.js';
import type { LocalNetwork } from '../src/localnet/index.js';

export const fmt = (n: number | bigint, digits = 0): string => Number(n).toLocaleString('en-US', { maximumFractionDigits: digits });

/** The p-th percentile of an ascending list. */
export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** One row per canister: messages, instructions, cycles and outcalls per job between two counter snapshots. */
export function perJob(names: string[], before: Record<string, Counters>, after: Record<string, Counters>, jobs: number) {
  return names.map((name) => {
    const [b, a] = [before[name], after[name]];
    return {
      canister: name,
      messages: fmt((a.messages - b.messages) / jobs, 1),
      instructions: fmt((a.instructions - b.instructions) / BigInt(jobs)),
      cycles: fmt((a.cyclesSpent - b.cyclesSpent) / BigInt(jobs)),
      outcalls: fmt((a.outcalls - b.outcalls) / jobs, 1),
    };
  });
}

/**
 * The instructions of one query, run on the canister directly as the scheduler runs it and rolled back: queries
 * leave no counters (nothing is charged), so this is how a benchmark reads their cost.
 */
export function queryInstructions(
  network: LocalNetwork,
  canisterId: Principal,
  method: string,
  arg: Uint8Array,
  caller: Principal,
): bigint {
  const canister = network.scheduler.canister(canisterId)!;
  const outcome = canister.run(
    {
      kind: 'NRQ',
      method,
      arg,
      caller: caller.toUint8Array(),
      time: network.scheduler.time,
      cyclesAvailable: 0n,
      canReply: true,
    },
    (i) => i.export(`canister_query ${method}`)!(),
    INSTRUCTION_LIMITS.query,
  );
  canister.rollback();
  if (!outcome.ok) throw outcome.trap;
  return outcome.instructions;
}
