// Reputation stays within 0..10,000 bps and keeps a bounded history of every change, stored a change at a time.
import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';

import { Identity } from '../../../canisters/identity/identity';
import { HISTORY_LIMIT, INITIAL_REPUTATION, MAX_BPS, adjust } from '../../../canisters/identity/reputation';
import { ReputationResult, changeBytes, decodeChanges, encodeReputationResult } from '../../../canisters/identity/reputation_codec';
import type { Reputation, Result } from '../../../canisters/identity/types';
import { PROVIDER, ok, randomUser, setup } from './fixtures';

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

describe('reputation storage', () => {
  const by = randomUser();
  const reason = (i: number): string => `job ${i} settled ${'é'.repeat(i % 3)}`;

  it('keeps the last changes as entries of their own, pruned one at a time, and reads them back after an upgrade', () => {
    const { identity, tables, marketplace } = setup();
    const provider = randomUser();
    ok(identity.register(provider, 0n, PROVIDER));
    let last: Reputation = INITIAL_REPUTATION;
    for (let i = 0; i < HISTORY_LIMIT + 7; i++) last = ok(identity.updateReputation(marketplace, BigInt(i), provider, 1, reason(i)));
    expect(last.history).toHaveLength(HISTORY_LIMIT);
    expect(last.history[0]).toEqual({ at: 7n, by: marketplace, delta_bps: 1, bps: 5_008, reason: reason(7) });
    expect(tables.reputationChanges.len()).toBe(HISTORY_LIMIT);
    // A fresh heap (after an upgrade) reads the same record from stable memory.
    expect(new Identity(tables).reputation(provider)).toEqual(last);
  });

  it('reads a record of the whole-record layout and moves it out at its next change', () => {
    const { identity, tables, verification } = setup();
    const provider = randomUser();
    ok(identity.register(provider, 0n, PROVIDER));
    let old = INITIAL_REPUTATION;
    for (let i = 0; i < HISTORY_LIMIT; i++) old = adjust(old, -1, by, BigInt(i), reason(i));
    tables.reputations.insert(provider.toText(), old);
    const upgraded = new Identity(tables);
    expect(upgraded.reputation(provider)).toEqual(old);
    const next = ok(upgraded.updateReputation(verification, 500n, provider, 30, 'audit passed'));
    expect(next).toEqual(adjust(old, 30, verification, 500n, 'audit passed'));
    expect(tables.reputations.len()).toBe(0);
    expect(tables.reputationChanges.len()).toBe(HISTORY_LIMIT);
    expect(new Identity(tables).reputation(provider)).toEqual(next);
  });

  it('replies with the bytes IDL.encode writes', () => {
    let reputation = INITIAL_REPUTATION;
    for (let i = 0; i < 130; i++) reputation = adjust(reputation, i % 2 ? 7 : -3, randomUser(), BigInt(i) << 40n, reason(i));
    for (const result of [
      { Ok: reputation },
      { Ok: INITIAL_REPUTATION },
      { Err: { NotFound: 'no such account' } },
    ] as Result<Reputation>[]) {
      expect(encodeReputationResult(result)).toEqual(new Uint8Array(IDL.encode([ReputationResult], [result])));
    }
    const stored = reputation.history.map((change) => new Uint8Array(changeBytes(change)));
    expect(decodeChanges(stored)).toEqual(reputation.history);
  });
});
