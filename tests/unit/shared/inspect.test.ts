// What canister_inspect_message refuses before induction: anonymous ingress unless a method is kept for anonymous
// callers, and an argument larger than the method takes.
import { describe, expect, it } from 'vitest';

import { DEFAULT_MAX_ARG_BYTES, ingressProblem } from '../../../canisters/shared/inspect';

describe('ingressProblem', () => {
  it('accepts a signed caller with an argument up to the default cap, and refuses one byte more', () => {
    expect(ingressProblem('publish', false, DEFAULT_MAX_ARG_BYTES)).toBeUndefined();
    expect(ingressProblem('publish', false, DEFAULT_MAX_ARG_BYTES + 1)).toBe(
      `publish: the argument is ${DEFAULT_MAX_ARG_BYTES + 1} bytes, more than the ${DEFAULT_MAX_ARG_BYTES} it takes`,
    );
  });

  it('refuses the anonymous principal, however small its argument, unless the method is kept for it', () => {
    expect(ingressProblem('claim', true, 0)).toBe('claim: anonymous callers cannot change state');
    expect(ingressProblem('claim', true, 10, { anonymous: ['register'] })).toBe('claim: anonymous callers cannot change state');
    expect(ingressProblem('register', true, 10, { anonymous: ['register'] })).toBeUndefined();
    // An anonymous method still has its size cap.
    expect(ingressProblem('register', true, DEFAULT_MAX_ARG_BYTES + 1, { anonymous: ['register'] })).toContain('more than');
  });

  it('lets a method named in argBytes take more, or less, than the default, and no other method', () => {
    const rules = { argBytes: { upload_wasm_chunk: 1024 * 1024 + 64, set_name: 100 } };
    expect(ingressProblem('upload_wasm_chunk', false, 1024 * 1024 + 64, rules)).toBeUndefined();
    expect(ingressProblem('upload_wasm_chunk', false, 1024 * 1024 + 65, rules)).toContain('more than the 1048640 it takes');
    expect(ingressProblem('set_name', false, 101, rules)).toBe('set_name: the argument is 101 bytes, more than the 100 it takes');
    expect(ingressProblem('vote', false, DEFAULT_MAX_ARG_BYTES + 1, rules)).toContain(`more than the ${DEFAULT_MAX_ARG_BYTES}`);
  });
});
