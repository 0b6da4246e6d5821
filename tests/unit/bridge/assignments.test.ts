import { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { Assignments, bodySha256 } from '../../../canisters/bridge/assignments';
import { jobBody } from '../../../canisters/bridge/answers';
import type { Awaiting, DispatchRequest } from '../../../canisters/bridge/types';

const node = Principal.fromUint8Array(Uint8Array.of(1));
const other = Principal.fromUint8Array(Uint8Array.of(2));
const request: DispatchRequest = {
  job_id: 7n,
  consumer: Principal.anonymous(),
  kind: { text_generation: null },
  model_sha256: new Uint8Array(32),
  input: 'hi',
  max_tokens: 16,
  redundancy: 1,
  nodes: [node, other],
  generation: [],
};

describe('which node holds a job now', () => {
  it('hashes the exact body the bridge posts', () => {
    expect(Buffer.from(bodySha256(jobBody(request)))).toEqual(createHash('sha256').update(jobBody(request)).digest());
  });

  it('names the job to the node being asked only while the outcall is in flight', async () => {
    const assignments = new Assignments();
    let during: [Uint8Array | undefined, Uint8Array | undefined] = [undefined, undefined];
    const posted = await assignments.asking(7n, node, 'the body', async () => {
      during = [assignments.assignment(7n, node, undefined), assignments.assignment(7n, other, undefined)];
      return 'answer';
    });
    expect(posted).toBe('answer');
    expect(during).toEqual([bodySha256('the body'), undefined]);
    expect(assignments.assignment(7n, node, undefined)).toBeUndefined();
    expect(assignments.assignment(8n, node, undefined)).toBeUndefined();
  });

  it('forgets the assignment when the outcall fails', async () => {
    const assignments = new Assignments();
    await expect(assignments.asking(7n, node, 'the body', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(assignments.assignment(7n, node, undefined)).toBeUndefined();
  });

  it('names a long job to the node whose result it awaits, and to nobody else', () => {
    const waiting: Awaiting = { request, node, accepted_at: 0n };
    const assignments = new Assignments();
    expect(assignments.assignment(7n, node, waiting)).toEqual(bodySha256(jobBody(request)));
    expect(assignments.assignment(7n, other, waiting)).toBeUndefined();
  });
});
