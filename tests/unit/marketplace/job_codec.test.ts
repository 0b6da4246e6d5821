// The compact stable form of a job round-trips every field, and a job stored as Candid before it still reads.
import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';

import { decodeJob, encodeJob } from '../../../canisters/marketplace/job_codec';
import { Job } from '../../../canisters/marketplace/job_types';
import { job as request, user } from './fixtures';

const plain: Job = {
  id: 0n,
  consumer: user(1),
  request: request(),
  state: { submitted: null },
  offers: [],
  quotes: [],
  price: 0n,
  creator: user(2),
  royalty_bps: 0,
  result_hash: [],
  paid_nodes: [],
  late_refund_bps: 0,
  failure: [],
  created_at: 0n,
  updated_at: 0n,
};

const full: Job = {
  id: 2n ** 64n - 1n,
  consumer: user(3),
  request: request({
    model: 2n ** 63n,
    input_hash: Uint8Array.from({ length: 32 }, (_, i) => i * 8),
    input_bytes: 65_536n,
    max_tokens: 4_294_967_295,
    max_price: 10n ** 30n,
    redundancy: 255,
    lane: { priority: null },
    region: ['région-ü-東京'],
    hardware: { min_vram_gib: 80, min_compute_capability_x10: 90, min_cpu_cores: 4_294_967_295, min_ram_gib: 1 },
    reservation: [7n],
    input: ['[{"role":"user","content":"héllo 👋"}]'],
    generation: [{ temperature: 0.7, top_p: 0.95, seed: 4_294_967_295, stop: ['\n\n', 'Ω'], chat: true }],
  }),
  state: { settled: null },
  offers: [0n, 128n, 2n ** 40n],
  quotes: [0n, 10n ** 20n, 1n],
  price: 10n ** 20n + 1n,
  creator: user(4),
  royalty_bps: 10_000,
  result_hash: [new Uint8Array(32).fill(255)],
  paid_nodes: [user(5), user(6)],
  late_refund_bps: 2_500,
  failure: ['dispatch: the bridge said ✗'],
  created_at: 1_700_000_000_000_000_000n,
  updated_at: 1_700_000_000_123_456_789n,
};

describe('job codec', () => {
  it('round-trips jobs exactly', () => {
    for (const job of [plain, full]) expect(decodeJob(encodeJob(job))).toEqual(job);
    for (const state of ['rejected', 'matched', 'dispatched', 'completed', 'failed', 'refunded']) {
      const job = { ...plain, state: { [state]: null } as Job['state'] };
      expect(decodeJob(encodeJob(job))).toEqual(job);
    }
  });

  it('reads a job stored as Candid', () => {
    for (const job of [plain, full]) expect(decodeJob(new Uint8Array(IDL.encode([Job], [job])))).toEqual(job);
  });

  it('refuses bytes it did not write', () => {
    const bytes = encodeJob(full);
    expect(() => decodeJob(Uint8Array.from([...bytes, 0]))).toThrow('malformed');
    expect(() => decodeJob(Uint8Array.from([9, ...bytes.slice(1)]))).toThrow('unknown format');
  });
});
