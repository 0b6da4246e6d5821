// Who may create a key: a signed caller, while the API holds fewer than its cap of live keys, with an unexpired ICRC-2
// allowance of at least one base unit to payment (what the key spends from, and what cost the creator a fee).
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { allowanceProblem, creatorProblem, MAX_KEY_RECORDS_TOTAL, MAX_LIVE_KEYS_TOTAL } from '../../../canisters/api/key_rules';

const USER = Principal.fromUint8Array(new Uint8Array([7, 1]));
const PAYMENT = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
const NOW = 1_000n;

describe('creating a key', () => {
  it('refuses the anonymous principal and any caller once the API holds its cap of live keys', () => {
    expect(creatorProblem(Principal.anonymous(), 0)).toHaveProperty('NotAllowed');
    expect(creatorProblem(USER, MAX_LIVE_KEYS_TOTAL - 1)).toBeUndefined();
    expect(creatorProblem(USER, MAX_LIVE_KEYS_TOTAL)).toHaveProperty('LimitReached');
    // Records past the live cap are revoked ones, of which the oldest give way: one is always there to give.
    expect(MAX_KEY_RECORDS_TOTAL).toBeGreaterThan(MAX_LIVE_KEYS_TOTAL);
  });

  it('needs an allowance to payment of at least one base unit that has not expired, and names payment when not', () => {
    expect(allowanceProblem({ allowance: 1n, expires_at: [] }, PAYMENT, NOW)).toBeUndefined();
    expect(allowanceProblem({ allowance: 5n, expires_at: [NOW + 1n] }, PAYMENT, NOW)).toBeUndefined();
    for (const short of [
      { allowance: 0n, expires_at: [] as [] },
      { allowance: 5n, expires_at: [NOW] as [bigint] },
    ]) {
      const problem = allowanceProblem(short, PAYMENT, NOW);
      expect(problem).toHaveProperty('NotAllowed');
      expect((problem as { NotAllowed: string }).NotAllowed).toContain(PAYMENT.toText());
    }
  });
});
