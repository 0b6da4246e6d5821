// Reputation stays within 0..10,000 bps and keeps a bounded history of every change.
import { describe, expect, it } from 'vitest';

import { HISTORY_LIMIT, INITIAL_REPUTATION, MAX_BPS, adjust } from '../../../canisters/identity/reputation';
import { randomUser } from './fixtures';

describe('reputation', () => {
  const by = randomUser();

  it('starts in the middle and records who changed it, by how much, to what and why', () => {
    const next = adjust(INITIAL_REPUTATION, 250, by, 7n, 'job 1 verified');
    expect(next).toEqual({ bps: 5_250, history: [{ at: 7n, by, delta_bps: 250, bps: 5_250, reason: 'job 1 verified' }] });
  });

  it('clamps at 0 and at 10,000', () => {
    expect(adjust(INITIAL_REPUTATION, 9_000, by, 1n, 'up').bps).toBe(MAX_BPS);
    expect(adjust(INITIAL_REPUTATION, -9_000, by, 1n, 'down').bps).toBe(0);
  });

  it('keeps only the latest changes', () => {
    let reputation = INITIAL_REPUTATION;
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) reputation = adjust(reputation, 1, by, BigInt(i), `change ${i}`);
    expect(reputation.history).toHaveLength(HISTORY_LIMIT);
    expect(reputation.history[0].reason).toBe('change 5');
    expect(reputation.bps).toBe(5_000 + HISTORY_LIMIT + 5);
  });
});
