// The bridge's stable maps keep dispatch requests (pending, settled, awaiting long jobs, re-runs) and outputs as
// Candid of their types (candidValue). Those written before `generation` and `prompt_tokens` existed must read
// after the upgrade with the new fields as none; the marketplace's jobs are checked the same way on the real Wasm
// (tests/integration/marketplace/upgrade.test.ts).
import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';

import {
  Awaiting,
  DispatchRequest,
  JobOutput,
  LongReRun,
  type Awaiting as AwaitingT,
  type LongReRun as LongReRunT,
} from '../../../canisters/bridge/types';
import { candidValue } from '../../../canisters/shared/stable_codecs';
import { principal, request } from './fakes';

/** `type` as it was declared before `field` was added to it (its other fields as they are). */
const without = (type: IDL.RecordClass, field: string): IDL.RecordClass =>
  IDL.Record(Object.fromEntries(type._fields.filter(([name]) => name !== field)));

const OldDispatchRequest = without(DispatchRequest, 'generation');
const OldJobOutput = without(JobOutput, 'prompt_tokens');

describe('bridge records stored before generation settings', () => {
  it('reads an old dispatch request with no generation, and an old output with no prompt_tokens', () => {
    const { generation: _, ...old } = request();
    const stored = candidValue(OldDispatchRequest).toBytes(old);
    expect(candidValue<DispatchRequest>(DispatchRequest).fromBytes(stored)).toEqual({ ...old, generation: [] });

    const output = {
      job_id: 1n,
      consumer: principal(9),
      node: principal(1),
      output_sha256: new Uint8Array(32).fill(3),
      tokens: [5, 6],
      text: ['hi'],
      vector: [],
      runtime: 'rt',
      completed_at: 4n,
    };
    const kept = candidValue<JobOutput>(JobOutput).fromBytes(candidValue(OldJobOutput).toBytes(output));
    expect({ ...kept, tokens: Array.from(kept.tokens) }).toEqual({ ...output, prompt_tokens: [] });
  });

  it('reads old records that hold them: an awaited long job, and a long job’s re-run with its answers', () => {
    const { generation: _, ...old } = request({ max_tokens: 512 });
    const OldAwaiting = IDL.Record({ ...Object.fromEntries(Awaiting._fields), request: OldDispatchRequest });
    const awaited = candidValue(OldAwaiting).toBytes({ request: old, node: principal(1), accepted_at: 2n });
    expect(candidValue<AwaitingT>(Awaiting).fromBytes(awaited)).toEqual({
      request: { ...old, generation: [] },
      node: principal(1),
      accepted_at: 2n,
    });

    const OldReRun = IDL.Record({ ...Object.fromEntries(LongReRun._fields), request: OldDispatchRequest, answers: IDL.Vec(OldJobOutput) });
    const answer = {
      job_id: 1n,
      consumer: principal(9),
      node: principal(4),
      output_sha256: new Uint8Array(32),
      tokens: [],
      text: ['x'],
      vector: [],
      runtime: 'rt',
      completed_at: 3n,
    };
    const reRun = { job_id: 1n, request: old, purpose: { audit: null }, auditors: [], answers: [answer], started_at: 2n };
    const kept = candidValue<LongReRunT>(LongReRun).fromBytes(candidValue(OldReRun).toBytes(reRun));
    expect(kept.request.generation).toEqual([]);
    expect(kept.answers.map((a) => a.prompt_tokens)).toEqual([[]]);
  });
});
