import { describe, expect, it } from 'vitest';

import { MAX_TOKENS } from '../../../canisters/shared/job_limits';
import { checkJobBody, promptOf, samplingOf, type JobBody } from '../../../src/worker/job_body';
import { GREEDY } from '../../../src/worker/runtime/text_generation';

const job = (extra: Record<string, unknown> = {}) => ({
  job_id: '7',
  kind: 'text_generation',
  model_sha256: 'a'.repeat(64),
  input: 'Why is the sky blue?',
  max_tokens: 16,
  ...extra,
});

const CHAT = JSON.stringify([
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Why is the sky blue?' },
]);

describe('a job request’s rules', () => {
  it('takes the body the bridge writes, with or without sampling settings', () => {
    expect(checkJobBody(job())).toBeUndefined();
    expect(checkJobBody(job({ mode: 'async', max_tokens: 512 }))).toBeUndefined();
    expect(checkJobBody(job({ sampling: { temperature: 0.7, top_k: 40, top_p: 0.9, seed: 4_294_967_295 } }))).toBeUndefined();
    expect(checkJobBody(job({ kind: 'embedding', max_tokens: undefined }))).toBeUndefined();
    expect(checkJobBody(job({ stop: ['\n', 'END'], chat: false }))).toBeUndefined();
    expect(checkJobBody(job({ input: CHAT, chat: true, stop: ['\n'] }))).toBeUndefined();
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
      [job({ stop: '\n' }), /^stop: a list of at most 4 strings/],
      [job({ stop: ['a', 'b', 'c', 'd', 'e'] }), /^stop: a list of at most 4/],
      [job({ stop: [''] }), /^stop: each stop is 1 to 64 UTF-8 bytes/],
      [job({ stop: ['x'.repeat(65)] }), /^stop: each stop is 1 to 64/],
      [job({ stop: [1] }), /^stop: each stop is a string/],
      [job({ kind: 'embedding', stop: ['\n'] }), /^stop: an embedding generates no text/],
      [job({ chat: 'yes' }), /^chat: true or false/],
      [job({ chat: true }), /^input: a chat input is a JSON list of messages, and this is not JSON/],
      [job({ chat: true, input: '[{"role":"user"}]' }), /^input: message 0: content is a string/],
      [job({ chat: true, input: '[{"role":"tool","content":"x"}]' }), /^input: message 0: role is one of/],
      [job({ kind: 'embedding', chat: true, input: CHAT }), /^chat: an embedding takes its input as text/],
    ];
    for (const [body, message] of cases) expect(checkJobBody(body), JSON.stringify(body)).toMatch(message);
  });

  it('reads a chat job’s input as its messages, and any other as a raw prompt', () => {
    expect(promptOf(job({ input: CHAT, chat: true }) as JobBody)).toEqual(JSON.parse(CHAT));
    expect(promptOf(job({ input: CHAT, chat: false }) as JobBody)).toBe(CHAT);
    expect(promptOf(job() as JobBody)).toBe('Why is the sky blue?');
  });

  it('samples greedily where the request names no setting', () => {
    expect(samplingOf(job() as JobBody)).toEqual(GREEDY);
    expect(samplingOf(job({ sampling: { temperature: 0.8, seed: 3 } }) as JobBody)).toEqual({ ...GREEDY, temperature: 0.8, seed: 3 });
  });
});
