// The identity rules that keep a cheating provider from getting away: standings pushed to the marketplace after
// each change, slashes that reach unbonding stake and survive a busy provider, caps, and who may raise reputation.
import { describe, expect, it } from 'vitest';

import { MAX_JOB_CREDIT_BPS, MAX_NODES_PER_PROVIDER, MAX_UNBONDINGS } from '../../../canisters/identity/identity';
import { MIN_STAKE_ENTRY } from '../../../canisters/identity/standing_outbox';
import { HARDWARE, NO_CHANGES, PROVIDER, ok, randomUser, setup } from './fixtures';

function staked(amount: bigint) {
  const context = setup();
  const provider = randomUser();
  ok(context.identity.register(provider, 0n, PROVIDER));
  ok(context.identity.setCertification(context.admin, 0n, provider, { certified: null }, 'checked'));
  context.identity.commitStake(ok(context.identity.beginStake(provider, amount)));
  return { ...context, provider };
}

const keys = (entries: { key: string }[]): string[] => entries.map((e) => e.key);

describe('the standing outbox', () => {
  it('holds every provider whose standing changed until the marketplace acknowledges it', () => {
    const { identity, provider, verification } = staked(1_000n);
    const batch = identity.outbox.batch();
    expect(keys(batch)).toEqual([provider.toText()]);
    expect(identity.standingPush(batch)).toEqual({
      min_stake: 1_000n,
      standings: [{ provider, certified: true, stake: 1_000n, reputation_bps: 5_000 }],
    });
    identity.outbox.delivered(batch);
    expect(identity.outbox.size).toBe(0);

    ok(identity.updateReputation(verification, 1n, provider, -100, 'wrong answer'));
    expect(identity.standingPush(identity.outbox.batch()).standings[0].reputation_bps).toBe(4_900);
  });

  it('keeps a change made while a push was in flight', () => {
    const { identity, provider } = staked(1_000n);
    const inFlight = identity.outbox.batch();
    ok(identity.unbond(provider, 1n, 400n));
    identity.outbox.delivered(inFlight);
    expect(identity.standingPush(identity.outbox.batch()).standings).toEqual([
      { provider, certified: true, stake: 600n, reputation_bps: 5_000 },
    ]);
  });

  it('takes over the entries an earlier version stored, after an upgrade', () => {
    const { identity, tables, provider } = staked(1_000n);
    identity.outbox.delivered(identity.outbox.batch());
    tables.earlierOutbox.insert(provider.toText(), { key: provider.toText(), seq: 3n });
    identity.adoptEarlierOutbox();
    expect(tables.earlierOutbox.len()).toBe(0);
    expect(identity.standingPush(identity.outbox.batch()).standings).toEqual([
      { provider, certified: true, stake: 1_000n, reputation_bps: 5_000 },
    ]);
  });

  it('announces a new min_stake, which concerns every provider, with no standing', () => {
    const { identity, admin } = setup();
    ok(identity.updateSettings(admin, { ...NO_CHANGES, min_stake: [7n] }));
    const batch = identity.outbox.batch();
    expect(keys(batch)).toEqual([MIN_STAKE_ENTRY]);
    expect(identity.standingPush(batch)).toEqual({ min_stake: 7n, standings: [] });
  });
});

describe('slashes', () => {
  it('reach stake unbonded right after a match', () => {
    const { identity, provider, verification } = staked(1_000n);
    ok(identity.unbond(provider, 0n, 1_000n));
    const lease = ok(identity.beginSlash(verification, 1n, provider, 400n, 'lied on job 3'));
    expect(lease.amount).toBe(400n);
    identity.commitSlash(lease, 2n, 9n);
    expect(identity.stakeOf(provider)).toMatchObject({ bonded: 0n, unbonding: [{ amount: 600n }], slashed: 400n });
  });

  it('are kept while the provider is busy in a ledger call, and applied once it is free', () => {
    const { identity, provider, verification } = staked(1_000n);
    const stakeCall = ok(identity.beginStake(provider, 500n));
    expect(identity.beginSlash(verification, 5n, provider, 300n, 'lied on job 4')).toEqual({ Err: { SlashPending: { id: 0n } } });
    expect(identity.pendingSlashes(provider)).toEqual([
      { id: 0n, provider, requested: 300n, reason: 'lied on job 4', by: verification, at: 5n },
    ]);
    // Still busy: the pending slash waits, and is not lost.
    expect(identity.beginPendingSlash(0n)).toEqual({ Err: { Busy: null } });
    identity.commitStake(stakeCall);

    const lease = ok(identity.beginPendingSlash(0n));
    expect(lease).toMatchObject({ amount: 300n, pending: 0n, reason: 'lied on job 4' });
    // A failed transfer keeps it pending for the next try.
    identity.abort(lease);
    expect(identity.pendingSlashes(provider)).toHaveLength(1);
    identity.commitSlash(ok(identity.beginPendingSlash(0n)), 6n, 10n);
    expect(identity.pendingSlashes(provider)).toEqual([]);
    expect(identity.stakeOf(provider)).toMatchObject({ bonded: 1_200n, slashed: 300n });
    expect(identity.slashes(provider)).toMatchObject([{ requested: 300n, amount: 300n, at: 6n }]);
  });

  it('end a pending slash only when nothing is left to take', () => {
    const { identity, provider, verification } = staked(1_000n);
    const busy = ok(identity.beginStake(provider, 1n));
    expect('Err' in identity.beginSlash(verification, 0n, provider, 1_000n, 'lied')).toBe(true);
    identity.commitStake(busy);
    identity.commitSlash(ok(identity.beginSlash(verification, 0n, provider, 5_000n, 'lied again')), 1n, 1n);
    expect(identity.beginPendingSlash(0n)).toEqual({ Err: { InsufficientStake: { available: 0n } } });
    expect(identity.pendingSlashes()).toEqual([]);
  });
});

describe('caps', () => {
  it(`refuses more than ${MAX_UNBONDINGS} unbonding entries`, () => {
    const { identity, provider } = staked(1_000n);
    for (let i = 0; i < MAX_UNBONDINGS; i++) ok(identity.unbond(provider, BigInt(i), 1n));
    expect(identity.unbond(provider, 99n, 1n)).toEqual({ Err: { TooManyUnbondings: { max: MAX_UNBONDINGS } } });
  });

  it(`refuses more than ${MAX_NODES_PER_PROVIDER} claimed nodes per provider, and counts retired ones out`, () => {
    const { identity, provider } = staked(1n);
    const claim = (n: number) => {
      const worker = randomUser();
      const code = `code-${n}`;
      ok(identity.registerNode(worker, 0n, HARDWARE, code));
      return { worker, claimed: identity.claimNode(provider, 1n, code) };
    };
    const first = claim(0).worker;
    for (let i = 1; i < MAX_NODES_PER_PROVIDER; i++) ok(claim(i).claimed);
    expect(claim(99).claimed).toEqual({ Err: { TooManyNodes: { max: MAX_NODES_PER_PROVIDER } } });
    ok(identity.retireNode(provider, first));
    ok(claim(100).claimed);
  });
});

describe('reputation credit from the marketplace', () => {
  it('may only raise reputation, by a bounded credit; the provider itself may not', () => {
    const { identity, provider, marketplace } = staked(1n);
    expect(ok(identity.updateReputation(marketplace, 0n, provider, 10, 'job 1 settled')).bps).toBe(5_010);
    expect(identity.updateReputation(marketplace, 0n, provider, -10, 'x')).toEqual({
      Err: { InvalidInput: `delta_bps: the marketplace may only credit 1 to ${MAX_JOB_CREDIT_BPS} bps` },
    });
    expect(
      'InvalidInput' in (identity.updateReputation(marketplace, 0n, provider, MAX_JOB_CREDIT_BPS + 1, 'x') as { Err: object }).Err,
    ).toBe(true);
    expect('Unauthorized' in (identity.updateReputation(provider, 0n, provider, 10, 'me') as { Err: object }).Err).toBe(true);
  });
});
