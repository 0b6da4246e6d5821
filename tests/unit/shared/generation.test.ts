import { describe, expect, it } from 'vitest';

import { generationProblem, parseChatMessages, stopProblem, type Generation } from '../../../canisters/shared/generation';

const generation = (over: Partial<Generation> = {}): Generation => ({
  temperature: 0.8,
  top_p: 0.95,
  seed: 7,
  stop: [],
  chat: false,
  ...over,
});

describe('a job’s generation settings', () => {
  it('takes greedy and sampled settings at the edges of their ranges', () => {
    for (const over of [
      { temperature: 0 },
      { temperature: 2 },
      { top_p: 1 },
      { top_p: Number.MIN_VALUE },
      { seed: 0 },
      { seed: 4_294_967_295 },
      { stop: ['\n', 'é'.repeat(32), 'a', 'b'] },
      { chat: true },
    ])
      expect(generationProblem(generation(over)), JSON.stringify(over)).toBeUndefined();
  });

  it.each([
    [{ temperature: -0.01 }, /^temperature: a number from 0/],
    [{ temperature: 2.01 }, /^temperature/],
    [{ temperature: Number.NaN }, /^temperature/],
    [{ temperature: Number.POSITIVE_INFINITY }, /^temperature/],
    [{ top_p: 0 }, /^top_p: a number above 0/],
    [{ top_p: 1.0001 }, /^top_p/],
    [{ top_p: Number.NaN }, /^top_p/],
    [{ seed: 1.5 }, /^seed: an integer/],
    [{ seed: -1 }, /^seed/],
    [{ seed: 2 ** 32 }, /^seed/],
    [{ stop: ['a', 'b', 'c', 'd', 'e'] }, /^stop: a list of at most 4/],
    [{ stop: [''] }, /^stop: each stop is 1 to 64 UTF-8 bytes \(one is 0\)/],
    // 33 two-byte characters: 66 bytes, though only 33 UTF-16 units.
    [{ stop: ['é'.repeat(33)] }, /one is 66/],
  ])('refuses %o', (over, message) => {
    expect(generationProblem(generation(over))).toMatch(message);
  });

  it('refuses stops that are not a list of strings (as a worker may be sent them)', () => {
    expect(stopProblem('\n')).toMatch(/^stop: a list/);
    expect(stopProblem([7])).toMatch(/^stop: each stop is a string/);
  });
});

describe('a chat job’s input', () => {
  it('reads a list of messages of the four roles', () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: 'Answer in English.' },
      { role: 'user', content: 'Why is the sky blue?' },
      { role: 'assistant', content: '' },
    ];
    expect(parseChatMessages(JSON.stringify(messages))).toEqual({ Ok: messages });
  });

  it.each([
    ['Why is the sky blue?', /is not JSON/],
    ['{"role":"user","content":"hi"}', /JSON list of 1 to 256 messages/],
    ['[]', /JSON list of 1 to 256/],
    [JSON.stringify(Array(257).fill({ role: 'user', content: 'x' })), /1 to 256/],
    ['["hi"]', /^message 0: an object/],
    ['[{"role":"user","content":"hi"},null]', /^message 1: an object/],
    ['[{"role":"tool","content":"hi"}]', /^message 0: role is one of system, developer, user, assistant/],
    ['[{"content":"hi"}]', /^message 0: role/],
    ['[{"role":"user","content":["hi"]}]', /^message 0: content is a string/],
    ['[{"role":"user"}]', /^message 0: content/],
    ['[{"role":"user","content":"hi","name":"bob"}]', /^message 0: name is not a field/],
  ])('refuses %s', (input, message) => {
    const parsed = parseChatMessages(input);
    expect(parsed).toHaveProperty('Err');
    expect('Err' in parsed && parsed.Err).toMatch(message);
  });
});
