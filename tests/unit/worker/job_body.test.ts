import { describe, expect, it } from 'vitest';

import { MAX_TOKENS } from '../../../canisters/shared/job_limits';
import { checkJobBody, samplingOf, type JobBody } from '../../../src/worker/job_body';
import { GREEDY } from '../../../src/worker/runtime/text_generation';

const job = (extra: Record<string, unknown> = {}) => ({
  job_id: '7',
  kind: 'text_generation',
  model_sha256: 'a'.repeat(64),
  input: 'Why is the sky blue?',
  max_tokens: 16,
  ...extra,
});

describe('a job request’s rules', () => {
  it('takes the body the bridge writes, with or without sampling settings', () => {
    expect(checkJobBody(job())).toBeUndefined();
    expect(checkJobBody(job({ mode: 'async', max_tokens: 512 }))).toBeUndefined();
    expect(checkJobBody(job({ sampling: { temperature: 0.7, top_k: 40, top_p: 0.9, seed: 4_294_967_295 } }))).toBeUndefined();
    expect(checkJobBody(job({ kind: 'embedding', max_tokens: undefined }))).toBeUndefined();
  });

  it('names the field at fault', () => {
    const cases: [unknown, RegExp][] = [
      [null, /JSON object/],
      [[job()], /JSON object/],
      [job({ job_id: '18446744073709551616' }), /^job_id: a decimal nat64/],
      [job({ job_id: 7 }), /^job_id/],
      [job({ kind: 'painting' }), /^kind/],
      [job({ model_sha256: 'A'.repeat(64) }), /^model_sha256/],
      [job({ input: ['a'] }), /^input/],
      [job({ max_tokens: 0 }), /^max_tokens: an integer from 1/],
      [job({ max_tokens: 1.5 }), /^max_tokens/],
      [job({ max_tokens: MAX_TOKENS + 1 }), new RegExp(`^max_tokens: an integer from 1 to ${MAX_TOKENS}`)],
      [job({ mode: 'later' }), /^mode/],
      [job({ priority: 'high' }), /^priority: not a field/],
      [job({ sampling: 0.7 }), /^sampling: an object/],
      [job({ sampling: { temperature: -0.1 } }), /^sampling.temperature: a number from 0/],
      [job({ sampling: { temperature: 2.5 } }), /^sampling.temperature/],
      [job({ sampling: { temperature: '0.5' } }), /^sampling.temperature/],
      [job({ sampling: { top_k: 3.5 } }), /^sampling.top_k: an integer/],
      [job({ sampling: { top_k: 1_001 } }), /^sampling.top_k/],
      [job({ sampling: { top_p: 0 } }), /^sampling.top_p: a number above 0/],
      [job({ sampling: { top_p: 1.01 } }), /^sampling.top_p/],
      [job({ sampling: { seed: -1 } }), /^sampling.seed: an integer from 0 to 4294967295/],
      [job({ sampling: { seed: 2 ** 32 } }), /^sampling.seed/],
      [job({ sampling: { min_p: 0.1 } }), /^sampling.min_p: not a setting/],
      [job({ kind: 'embedding', sampling: { temperature: 0 } }), /^sampling: an embedding samples nothing/],
    ];
    for (const [body, message] of cases) expect(checkJobBody(body), JSON.stringify(body)).toMatch(message);
  });

  it('samples greedily where the request names no setting', () => {
    expect(samplingOf(job() as JobBody)).toEqual(GREEDY);
    expect(samplingOf(job({ sampling: { temperature: 0.8, seed: 3 } }) as JobBody)).toEqual({ ...GREEDY, temperature: 0.8, seed: 3 });
  });
});
