// A job request for a prompt (or a text to embed), as the marketplace takes it: the input travels with its hash.
import { sha256 } from '@noble/hashes/sha2';

import type { JobRequest } from '../../canisters/marketplace/job_types';
import type { Generation } from '../../canisters/shared/generation';

export type JobOptions = {
  maxTokens: number;
  redundancy: number;
  priority: boolean;
  maxPrice: bigint;
  /** Sampling, stop strings and chat input; left out, the job is greedy and its input a raw prompt. */
  generation?: Generation;
};

export function jobRequest(model: string | bigint, input: string, options: JobOptions): JobRequest {
  const bytes = new TextEncoder().encode(input);
  return {
    model: BigInt(model),
    input_hash: sha256(bytes),
    input_bytes: BigInt(bytes.length),
    max_tokens: options.maxTokens,
    max_price: options.maxPrice,
    redundancy: options.redundancy,
    lane: options.priority ? { priority: null } : { standard: null },
    region: [],
    hardware: { min_vram_gib: 0, min_compute_capability_x10: 0, min_cpu_cores: 0, min_ram_gib: 0 },
    reservation: [],
    input: [input],
    generation: options.generation === undefined ? [] : [options.generation],
  };
}
