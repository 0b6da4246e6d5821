import { describe, expect, it } from 'vitest';

import { eventName, newJob, stateName, transition, TRANSITIONS, type StateName } from '../../../canisters/marketplace/job_machine';
import type { Job, JobEvent, JobState } from '../../../canisters/marketplace/job_types';
import { job as request, ok, user } from './fixtures';

const EVENTS: JobEvent[] = [
  { Matched: { offers: [4n, 5n], quotes: [10n, 11n] } },
  { Dispatched: null },
  { Completed: { result_hash: new Uint8Array(32).fill(9) } },
  { Failed: 'worker timed out' },
  { Settled: null },
  { Refunded: null },
];
const STATES = Object.keys(TRANSITIONS) as StateName[];

function jobIn(state: StateName): Job {
  return { ...ok(newJob(1n, user(1), request(), 0n)), state: { [state]: null } as JobState };
}

describe('the job state machine', () => {
  it('starts submitted with nothing chosen', () => {
    expect(ok(newJob(7n, user(1), request(), 3n))).toMatchObject({
      id: 7n,
      state: { submitted: null },
      offers: [],
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
  ])('refuses an invalid request %#', (override, reason) => {
    expect(newJob(0n, user(1), request(override), 0n)).toEqual({ Err: { InvalidInput: reason } });
  });

  it('runs the happy path to settled, recording the choice and the result', () => {
    let current = ok(newJob(1n, user(1), request({ redundancy: 2 }), 0n));
    for (const [i, event] of [EVENTS[0], EVENTS[1], EVENTS[2], EVENTS[4]].entries())
      current = ok(transition(current, event, BigInt(i + 1)));
    expect(current).toMatchObject({
      state: { settled: null },
      offers: [4n, 5n],
      quotes: [10n, 11n],
      result_hash: [new Uint8Array(32).fill(9)],
      updated_at: 4n,
    });
  });

  it('fails from every unfinished state and refunds only a failed job', () => {
    for (const state of ['submitted', 'matched', 'dispatched'] as const) {
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

  it('refuses every transition out of settled and refunded', () => {
    for (const state of ['settled', 'refunded'] as const)
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
