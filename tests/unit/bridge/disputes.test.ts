import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import {
  DISPUTE_WINDOW_NS,
  DISPUTES_LISTED,
  disputeProblem,
  returnsDeposit,
  ruling,
  withDisputed,
  type DisputeFacts,
} from '../../../canisters/bridge/disputes';
import type { DispatchRequest, JobOutput } from '../../../canisters/bridge/types';

const consumer = Principal.fromText('2vxsx-fae');
const runner = Principal.fromUint8Array(Uint8Array.of(1));
const auditor = Principal.fromUint8Array(Uint8Array.of(2));
const output = { job_id: 1n, consumer, node: runner, completed_at: 1_000n } as JobOutput;
const request = { job_id: 1n } as DispatchRequest;
const facts = (over: Partial<DisputeFacts> = {}): DisputeFacts => ({
  caller: consumer,
  output,
  request,
  audit: undefined,
  dispute: undefined,
  now: 2_000n,
  ...over,
});

describe('who may dispute what', () => {
  it('lets the consumer dispute a kept single-replica result within the window', () => {
    expect(disputeProblem(facts())).toBeUndefined();
    expect(disputeProblem(facts({ now: output.completed_at + DISPUTE_WINDOW_NS }))).toBeUndefined();
  });

  it('refuses everyone else, and each case says why', () => {
    expect(disputeProblem(facts({ caller: auditor }))).toEqual({ Unauthorized: 'only the job’s consumer may dispute it' });
    expect(disputeProblem(facts({ output: undefined }))).toEqual({ NotDisputable: 'the job has no result at the bridge' });
    expect(disputeProblem(facts({ now: output.completed_at + DISPUTE_WINDOW_NS + 1n }))).toEqual({
      NotDisputable: 'the dispute window (24 hours after the result) has closed',
    });
    // A redundant job whose split an outside auditor broke keeps no request: it was judged from outside already.
    expect(disputeProblem(facts({ request: undefined }))).toEqual({
      NotDisputable: 'the job is not open to dispute: an outside auditor decided its result, or it settled before redundant jobs could be disputed',
    });
    const audited = { job_id: 1n, auditors: [auditor, auditor], outcome: 'all agreed', at: 0n };
    expect(disputeProblem(facts({ audit: audited }))).toEqual({ NotDisputable: 'the job was audited: all agreed' });
    // An audit that found too few auditors decided nothing, so the consumer may still dispute.
    expect(disputeProblem(facts({ audit: { ...audited, auditors: [auditor] } }))).toBeUndefined();
    const open = { state: { open: null } } as NonNullable<DisputeFacts['dispute']>;
    expect(disputeProblem(facts({ dispute: open }))).toEqual({ NotDisputable: 'the job was disputed before: open' });
  });
});

describe('the audit’s ruling', () => {
  it('upholds when the runner dissented, rejects when it agreed, and is undecided without a majority', () => {
    expect(ruling(runner, [runner])).toEqual({ upheld: null });
    expect(ruling(runner, [auditor])).toEqual({ rejected: null });
    expect(ruling(runner, [])).toEqual({ rejected: null });
    expect(ruling(runner, undefined)).toEqual({ undecided: null });
  });

  it('returns the deposit unless the dispute was rejected', () => {
    expect(returnsDeposit({ upheld: null })).toBe(true);
    expect(returnsDeposit({ undecided: null })).toBe(true);
    expect(returnsDeposit({ rejected: null })).toBe(false);
  });
});

describe('the disputes listed against a provider', () => {
  it('keeps the newest, at most DISPUTES_LISTED', () => {
    expect(withDisputed([1n, 2n], 3n)).toEqual([1n, 2n, 3n]);
    const full = Array.from({ length: DISPUTES_LISTED }, (_, i) => BigInt(i));
    const next = withDisputed(full, 99n);
    expect(next).toHaveLength(DISPUTES_LISTED);
    expect(next[0]).toBe(1n);
    expect(next.at(-1)).toBe(99n);
  });
});
