import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import {
  eventName,
  isFinal,
  newJob,
  stateName,
  taskProblem,
  transition,
  TRANSITIONS,
  type StateName,
} from '../../../canisters/marketplace/job_machine';
import type { Job, JobEvent, JobState } from '../../../canisters/marketplace/job_types';
import type { Generation } from '../../../canisters/shared/generation';
import { MAX_TOKENS } from '../../../canisters/shared/job_limits';
import { job as request, ok, user } from './fixtures';

const EVENTS: JobEvent[] = [
  { Matched: { offers: [4n, 5n], quotes: [10n, 11n] } },
  { Dispatched: null },
  { Completed: { result_hash: new Uint8Array(32).fill(9), paid_nodes: [], late_refund_bps: 0 } },
  { Failed: 'worker timed out' },
  { Settled: null },
  { Refunded: null },
  { Rejected: 'escrow refused' },
];
const MODEL = { creator: user(9), royalty_bps: 300 };
const STATES = Object.keys(TRANSITIONS) as StateName[];

function jobIn(state: StateName): Job {
  return { ...ok(newJob(1n, user(1), request(), MODEL, 0n)), state: { [state]: null } as JobState };
}

describe('the job state machine', () => {
  it('starts submitted with nothing chosen', () => {
    expect(ok(newJob(7n, user(1), request(), MODEL, 3n))).toMatchObject({
      id: 7n,
      state: { submitted: null },
      offers: [],
      price: 0n,
      creator: user(9),
      royalty_bps: 300,
      created_at: 3n,
      updated_at: 3n,
    });
  });

  it.each([
    [{ redundancy: 0 }, 'redundancy: 1 to 3'],
    [{ redundancy: 4 }, 'redundancy: 1 to 3'],
    [{ input_hash: new Uint8Array(31) }, 'input_hash: must be 32 bytes, got 31'],
    [{ input_bytes: 0n }, 'input_bytes: must be more than zero'],
    [{ max_tokens: 0 }, 'max_tokens: must be more than zero'],
    [{ max_tokens: MAX_TOKENS + 1 }, `max_tokens: at most ${MAX_TOKENS}`],
    [{ input: ['héllo'] as [string], input_bytes: 5n }, 'input: 6 bytes, but input_bytes says 5'],
    [{ input: ['hello'] as [string], input_bytes: 5n }, 'input: its sha256 is not input_hash'],
  ])('refuses an invalid request %#', (override, reason) => {
    expect(newJob(0n, user(1), request(override), MODEL, 0n)).toEqual({ Err: { InvalidInput: reason } });
  });

  describe('generation settings', () => {
    const sampled: Generation = { temperature: 0.8, top_p: 0.9, seed: 42, stop: ['\n'], chat: false };
    /** A request carrying `input` itself, its size and hash to match. */
    const carrying = (input: string, generation: Generation) => {
      const bytes = new TextEncoder().encode(input);
      const input_hash = new Uint8Array(createHash('sha256').update(bytes).digest());
      return request({ input: [input], input_bytes: BigInt(bytes.length), input_hash, generation: [generation] });
    };
    const chat = JSON.stringify([{ role: 'user', content: 'Why is the sky blue?' }]);

    it('keeps a sampled job, redundant too: its seed makes every replica draw the same tokens', () => {
      const job = ok(newJob(0n, user(1), request({ redundancy: 3, generation: [sampled] }), MODEL, 0n));
      expect(job.request.generation).toEqual([sampled]);
      expect(newJob(0n, user(1), carrying(chat, { ...sampled, chat: true }), MODEL, 0n)).toHaveProperty('Ok');
    });

    it('refuses bad settings, and a chat job whose input is not a message list, before anything is paid', () => {
      expect(newJob(0n, user(1), request({ generation: [{ ...sampled, temperature: 3 }] }), MODEL, 0n)).toEqual({
        Err: { InvalidInput: 'generation.temperature: a number from 0 (greedy) to 2' },
      });
      expect(newJob(0n, user(1), request({ generation: [{ ...sampled, stop: ['a', 'b', 'c', 'd', 'e'] }] }), MODEL, 0n)).toEqual({
        Err: { InvalidInput: 'generation.stop: a list of at most 4 strings' },
      });
      expect(newJob(0n, user(1), carrying('Why is the sky blue?', { ...sampled, chat: true }), MODEL, 0n)).toEqual({
        Err: { InvalidInput: 'input: a chat input is a JSON list of messages, and this is not JSON' },
      });
      // The same text as a raw prompt is fine.
      expect(newJob(0n, user(1), carrying('Why is the sky blue?', sampled), MODEL, 0n)).toHaveProperty('Ok');
    });

    it('takes generation settings only for a text generation model', () => {
      expect(taskProblem(request({ generation: [sampled] }), { text_generation: null })).toBeUndefined();
      expect(taskProblem(request(), { embedding: null })).toBeUndefined();
      expect(taskProblem(request({ generation: [sampled] }), { embedding: null })).toBe(
        'generation: embedding models generate no text, so they take no generation settings',
      );
    });
  });

  it('accepts an input that matches its declared size and hash', () => {
    const input_hash = new Uint8Array(createHash('sha256').update('héllo').digest());
    expect(newJob(0n, user(1), request({ input: ['héllo'], input_bytes: 6n, input_hash }), MODEL, 0n)).toHaveProperty('Ok');
  });

  it('runs the happy path to settled, recording the choice and the result', () => {
    let current = ok(newJob(1n, user(1), request({ redundancy: 2 }), MODEL, 0n));
    for (const [i, event] of [EVENTS[0], EVENTS[1], EVENTS[2], EVENTS[4]].entries())
      current = ok(transition(current, event, BigInt(i + 1)));
    expect(current).toMatchObject({
      state: { settled: null },
      offers: [4n, 5n],
      quotes: [10n, 11n],
      price: 21n,
      result_hash: [new Uint8Array(32).fill(9)],
      updated_at: 4n,
    });
  });

  it('charges the quotes of the replicas that run, not of the spares', () => {
    const job = { ...jobIn('submitted'), request: request({ redundancy: 1 }) };
    expect(ok(transition(job, { Matched: { offers: [4n, 5n, 6n], quotes: [10n, 11n, 12n] } }, 1n)).price).toBe(10n);
  });

  it('rejects a submitted job whose escrow failed, keeping none of its input, and nothing follows', () => {
    const submitted = { ...jobIn('submitted'), request: { ...jobIn('submitted').request, input: ['a prompt' as string] as [string] } };
    const rejected = ok(transition(submitted, EVENTS[6], 1n));
    expect(rejected).toMatchObject({ state: { rejected: null }, failure: ['escrow refused'], price: 0n });
    expect(rejected.request.input).toEqual([]);
    expect(isFinal(rejected.state)).toBe(true);
    for (const event of EVENTS) expect(transition(rejected, event, 2n)).toHaveProperty('Err');
  });

  it('fails from every escrowed unfinished state and refunds only a failed job', () => {
    expect(transition(jobIn('submitted'), EVENTS[3], 1n)).toHaveProperty('Err');
    for (const state of ['matched', 'dispatched'] as const) {
      const failed = ok(transition(jobIn(state), EVENTS[3], 1n));
      expect(failed).toMatchObject({ state: { failed: null }, failure: ['worker timed out'] });
      expect(ok(transition(failed, { Refunded: null }, 2n)).state).toEqual({ refunded: null });
    }
  });

  const pairs = STATES.flatMap((state) => EVENTS.map((event) => [state, event] as const));
  it.each(pairs.map(([s, e]) => [s, eventName(e), s, e] as const))('%s + %s: allowed exactly as the table says', (_s, _e, state, event) => {
    const before = jobIn(state);
    const snapshot = structuredClone(before);
    const result = transition(before, event, 5n);
    const to = TRANSITIONS[state][eventName(event)];
    if (to === undefined) expect(result).toEqual({ Err: { InvalidTransition: { from: { [state]: null }, event: eventName(event) } } });
    else expect(stateName(ok(result).state)).toBe(to);
    expect(before).toEqual(snapshot);
  });

  it('refuses every transition out of settled, refunded and rejected', () => {
    for (const state of ['settled', 'refunded', 'rejected'] as const)
      for (const event of EVENTS) expect(transition(jobIn(state), event, 1n)).toHaveProperty('Err');
  });

  it('refuses a match with fewer offers than the redundancy or mismatched quotes', () => {
    const job = { ...jobIn('submitted'), request: request({ redundancy: 3 }) };
    expect(transition(job, EVENTS[0], 1n)).toEqual({ Err: { InvalidInput: 'matched: needs at least 3 offers' } });
    expect(transition(jobIn('submitted'), { Matched: { offers: [1n], quotes: [] } }, 1n)).toEqual({
      Err: { InvalidInput: 'matched: one quote per offer' },
    });
  });
});
