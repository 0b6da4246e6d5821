// What the example consumer asks the market for, pure: the job request for a prompt, and the prompts it refuses
// before spending anything. The glue (index.ts) quotes this request, approves the quote and runs it.
import { sha256 } from '@noble/hashes/sha2';

import type { JobRequest } from '../../canisters/marketplace/job_types';
import { LONG_JOB_TOKENS } from '../../canisters/shared/job_limits';

/** The answers kept: the newest ones, so stable memory stays bounded however often it asks. */
export const KEPT_ANSWERS = 20;

/** The request for `prompt` on `model`: one replica, the standard lane, any region and hardware, at most `max_price`. */
export function jobRequest(model: bigint, prompt: string, max_tokens: number, max_price: bigint): JobRequest {
  const input = new TextEncoder().encode(prompt);
  return {
    model,
    input_hash: sha256(input),
    input_bytes: BigInt(input.length),
    max_tokens,
    max_price,
    redundancy: 1,
    lane: { standard: null },
    region: [],
    hardware: { min_vram_gib: 0, min_compute_capability_x10: 0, min_cpu_cores: 0, min_ram_gib: 0 },
    reservation: [],
    input: [prompt],
    generation: [],
  };
}

/** Why an ask is refused before any call, or undefined. */
export function askProblem(prompt: string, max_tokens: number): string | undefined {
  if (prompt.length === 0) return 'prompt: empty';
  if (max_tokens === 0) return 'max_tokens: 0 asks for nothing';
  return undefined;
}

/** ask_long's refusals: ask's, and a job short enough for ask (run_job refuses long ones, submit_job takes both). */
export function askLongProblem(prompt: string, max_tokens: number): string | undefined {
  if (max_tokens < LONG_JOB_TOKENS) return `max_tokens: a long job asks for at least ${LONG_JOB_TOKENS}; use ask`;
  return askProblem(prompt, max_tokens);
}
