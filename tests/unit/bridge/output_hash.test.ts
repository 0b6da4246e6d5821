import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { outputSha256Hex } from '../../../canisters/shared/output_hash';

const sha = (canonical: string) => createHash('sha256').update(canonical).digest('hex');

describe('the hash a result is bound to', () => {
  it('covers a text job’s tokens and text together, so neither can change alone', () => {
    expect(outputSha256Hex({ tokens: [1, 2], text: 'hi' })).toBe(sha('{"tokens":[1,2],"text":"hi"}'));
    expect(outputSha256Hex({ tokens: [1, 2], text: 'ho' })).not.toBe(outputSha256Hex({ tokens: [1, 2], text: 'hi' }));
    expect(outputSha256Hex({ tokens: [1, 3], text: 'hi' })).not.toBe(outputSha256Hex({ tokens: [1, 2], text: 'hi' }));
  });

  it('covers an embedding’s vector as JSON', () => {
    expect(outputSha256Hex({ vector: [0.5, -1] })).toBe(sha('[0.5,-1]'));
  });
});
