// The faucet's rules over Map-backed tables: the amount, the cap per principal per day, the cap for everyone per
// day, the day's reset and the bounded pruning of past days, anonymous callers, the admin's configuration, and the
// ledger's answer: a transfer that surely failed does not count, one whose outcome is unknown does.
import { Principal } from '@dfinity/principal';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import {
  checkConfig,
  claimKey,
  DAY_NS,
  DEFAULT_CONFIG,
  FaucetRules,
  PRUNE_PER_CLAIM,
  type Table,
  type Tables,
} from '../../../canisters/faucet/rules';
import type { FaucetConfig, Settings, Tally } from '../../../canisters/faucet/types';

const randomUser = () => Principal.selfAuthenticating(new Uint8Array(randomBytes(44)));
const ok = <T>(result: { Ok: T } | { Err: unknown }): T => {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${JSON.stringify(result.Err, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  return result.Ok;
};

const AMOUNT = 100n;
// 3 June 2026, 10:00 UTC, in ns.
const NOW = BigInt(Date.UTC(2026, 5, 3, 10)) * 1_000_000n;
const NEXT_DAY = BigInt(Date.UTC(2026, 5, 4)) * 1_000_000n;

/** A Map as a StableBTreeMap: keys in byte order (ASCII keys sort the same by code unit); counts removals. */
function mapTable(map: Map<string, Tally>, removed = { count: 0 }): Table<Tally> {
  return {
    get: (key) => map.get(key),
    insert: (key, value) => void map.set(key, value),
    remove: (key) => void (map.delete(key) && removed.count++),
    keys: (start, length) => [...map.keys()].sort().slice(start, start + length),
    len: () => map.size,
  };
}

function setup(config: FaucetConfig = { amount: AMOUNT, per_principal_daily: 2n * AMOUNT, daily: 5n * AMOUNT }) {
  const admin = randomUser();
  const map = new Map<string, Tally>();
  const retiredMap = new Map<string, Tally>();
  const removed = { count: 0 };
  let settings: Settings = { admin, ledger: [randomUser()], config };
  let today: Tally = { day: 0n, claimed: 0n, claims: 0 };
  const tables: Tables = {
    settings: { get: () => settings, put: (value) => void (settings = value) },
    today: { get: () => today, put: (value) => void (today = value) },
    claims: mapTable(map, removed),
    retired: mapTable(retiredMap, removed),
  };
  return { faucet: new FaucetRules(tables), admin, map, retiredMap, removed };
}

/** A whole claim: begin, the transfer succeeds, commit. */
function claim(faucet: FaucetRules, who: Principal, now = NOW) {
  const leased = faucet.beginClaim(who, now);
  if ('Ok' in leased) faucet.commit(leased.Ok);
  return leased;
}

describe('the faucet rules', () => {
  it('sends the amount to the caller, at most the per-principal cap a day, and says when the next claim is possible', () => {
    const { faucet } = setup();
    const alice = randomUser();
    expect(faucet.status(alice, NOW)).toEqual({
      amount: AMOUNT,
      claimed_today: 0n,
      remaining_today: 2n * AMOUNT,
      available_now: true,
      next_claim_at: NOW,
    });
    expect(ok(claim(faucet, alice))).toMatchObject({ to: alice, amount: AMOUNT });
    ok(claim(faucet, alice));
    const refused = claim(faucet, alice, NOW + 1n);
    expect(refused).toEqual({
      Err: {
        PrincipalLimitReached: {
          claimed_today: 2n * AMOUNT,
          next_claim_at: NEXT_DAY,
          message: `this principal claimed 200 of its 200 for today; the next claim is possible at 2026-06-04T00:00:00.000Z`,
        },
      },
    });
    expect(faucet.status(alice, NOW)).toMatchObject({ available_now: false, remaining_today: 0n, next_claim_at: NEXT_DAY });
    // Another principal is not limited by alice's claims.
    ok(claim(faucet, randomUser()));
  });

  it('stops everyone at the daily cap, and starts afresh the next UTC day', () => {
    const { faucet, map } = setup();
    const users = Array.from({ length: 6 }, randomUser);
    for (const user of users.slice(0, 5)) ok(claim(faucet, user));
    expect(claim(faucet, users[5])).toEqual({
      Err: {
        DailyLimitReached: {
          next_claim_at: NEXT_DAY,
          message: 'the faucet gave out its 500 for today; the next claim is possible at 2026-06-04T00:00:00.000Z',
        },
      },
    });
    expect(faucet.status(users[5], NOW).available_now).toBe(false);
    // One nanosecond before midnight it is still today; at midnight everyone may claim again.
    expect('Err' in claim(faucet, users[5], NEXT_DAY - 1n)).toBe(true);
    expect(faucet.status(users[0], NEXT_DAY)).toMatchObject({ claimed_today: 0n, available_now: true });
    ok(claim(faucet, users[5], NEXT_DAY));
    // The first claim of the day forgot the earlier day's five principals (fewer than a batch).
    expect([...map.keys()]).toEqual([claimKey(NEXT_DAY / DAY_NS, users[5].toText())]);
    ok(claim(faucet, users[0], NEXT_DAY + DAY_NS / 2n));
  });

  it('prunes past days a bounded batch a claim, over several claims, keeping the cap per day', () => {
    const config = { amount: 1n, per_principal_daily: 1n, daily: 10_000n };
    const { faucet, map, removed } = setup(config);
    // A full day of 10,000 claimers, and a few of the day before.
    const day = NOW / DAY_NS;
    for (let i = 0; i < 10_000; i++) map.set(claimKey(day, `user-${i}`), { day, claimed: 1n, claims: 1 });
    for (let i = 0; i < 30; i++) map.set(claimKey(day - 1n, `old-${i}`), { day: day - 1n, claimed: 1n, claims: 1 });
    // Day 10 sorts after day 9 although '1' < '9': the days are zero-padded.
    expect(claimKey(9n, 'x') < claimKey(10n, 'x')).toBe(true);
    const past = 10_030;
    let claims = 0;
    while (map.size > claims) {
      removed.count = 0;
      ok(claim(faucet, randomUser(), NEXT_DAY + BigInt(claims)));
      claims++;
      expect(removed.count).toBeLessThanOrEqual(PRUNE_PER_CLAIM);
      expect(claims).toBeLessThanOrEqual(past / PRUNE_PER_CLAIM + 1);
    }
    expect(claims).toBe(Math.ceil(past / PRUNE_PER_CLAIM));
    // Only the new day's claimers are left, and they still count against its caps.
    expect([...map.values()].every((tally) => tally.day === day + 1n)).toBe(true);
    const first = [...map.keys()][0].slice(21);
    expect(faucet.beginClaim(Principal.fromText(first), NEXT_DAY + 1_000n)).toMatchObject({
      Err: { PrincipalLimitReached: expect.anything() },
    });
    // A quiet day: nothing left to prune, so a claim removes nothing.
    removed.count = 0;
    ok(claim(faucet, randomUser(), NEXT_DAY + 2_000n));
    expect(removed.count).toBe(0);
  });

  it('reads the retired table for its own day and empties it in the same bounded batches', () => {
    const { faucet, retiredMap, removed } = setup();
    const alice = randomUser();
    const day = NOW / DAY_NS;
    retiredMap.set(alice.toText(), { day, claimed: 2n * AMOUNT, claims: 2 });
    for (let i = 0; i < 250; i++) retiredMap.set(`old-${i}`, { day: day - 1n, claimed: AMOUNT, claims: 1 });
    // Alice's tally of today, from before the upgrade, still counts.
    expect(faucet.beginClaim(alice, NOW)).toMatchObject({ Err: { PrincipalLimitReached: expect.anything() } });
    let claims = 1;
    while (retiredMap.size > 1) {
      removed.count = 0;
      ok(claim(faucet, randomUser(), NEXT_DAY + BigInt(claims)));
      expect(removed.count).toBeLessThanOrEqual(PRUNE_PER_CLAIM);
      claims++;
    }
    // The next day alice's retired tally is past: pruned, and she claims again.
    ok(claim(faucet, alice, NEXT_DAY));
    expect(retiredMap.size).toBe(0);
  });

  it('refuses the anonymous principal and a principal with a claim in flight', () => {
    const { faucet } = setup();
    expect(faucet.beginClaim(Principal.anonymous(), NOW)).toEqual({
      Err: { Unauthorized: 'anonymous callers cannot claim: sign in first' },
    });
    expect(faucet.status(Principal.anonymous(), NOW).available_now).toBe(false);
    const alice = randomUser();
    const lease = ok(faucet.beginClaim(alice, NOW));
    expect(faucet.beginClaim(alice, NOW)).toEqual({ Err: { Busy: null } });
    faucet.commit(lease);
    ok(claim(faucet, alice));
  });

  it('does not count a claim whose transfer failed', () => {
    const { faucet } = setup();
    const alice = randomUser();
    const lease = ok(faucet.beginClaim(alice, NOW));
    expect(faucet.status(alice, NOW).claimed_today).toBe(AMOUNT);
    faucet.abort(lease);
    expect(faucet.status(alice, NOW)).toMatchObject({ claimed_today: 0n, available_now: true });
    ok(claim(faucet, alice));
    ok(claim(faucet, alice));
    // Everyone's total was given back too: five claims of the daily 500 fit.
    for (let i = 0; i < 3; i++) ok(claim(faucet, randomUser()));
  });

  it('settles a claim by the ledger answer: uncounted only when the ledger surely did not transfer', () => {
    const { faucet } = setup();
    const alice = randomUser();
    // A transfer: counted, with the block.
    expect(faucet.settle(ok(faucet.beginClaim(alice, NOW)), { Ok: { Ok: 7n } }, NOW)).toEqual({
      Ok: { amount: AMOUNT, block: 7n, remaining_today: AMOUNT, next_claim_at: NOW },
    });
    // An unknown outcome (SYS_UNKNOWN, a reject after delivery): the tokens may have gone out, so it stays counted.
    const unknown = faucet.settle(ok(faucet.beginClaim(alice, NOW)), { Err: 'ledger call failed: CallRejected timed out' }, NOW);
    expect(unknown).toEqual({
      Err: {
        LedgerError:
          "ledger call failed: CallRejected timed out (the transfer's outcome is unknown, so the claim counts against today's caps: check the balance before claiming again)",
      },
    });
    expect(faucet.status(alice, NOW)).toMatchObject({ claimed_today: 2n * AMOUNT, available_now: false });
    // The lock is released: the next claim is refused by the cap, not as busy.
    expect(faucet.beginClaim(alice, NOW)).toMatchObject({ Err: { PrincipalLimitReached: expect.anything() } });

    // A call never sent, and a ledger Err, are given back.
    const bob = randomUser();
    const notSent = faucet.settle(ok(faucet.beginClaim(bob, NOW)), { Err: 'ledger call failed: CallPerformFailed', notSent: true }, NOW);
    expect(notSent).toEqual({
      Err: { LedgerError: 'ledger call failed: CallPerformFailed (the transfer was never sent; the claim does not count)' },
    });
    expect(faucet.status(bob, NOW).claimed_today).toBe(0n);
    const empty = faucet.settle(ok(faucet.beginClaim(bob, NOW)), { Ok: { Err: { InsufficientFunds: { balance: 5n } } } }, NOW);
    expect(empty).toEqual({ Err: { Empty: { balance: 5n } } });
    const badFee = faucet.settle(ok(faucet.beginClaim(bob, NOW)), { Ok: { Err: { BadFee: { expected_fee: 10n } } } }, NOW);
    expect(badFee).toEqual({ Err: { LedgerError: '{"BadFee":{"expected_fee":"10"}}' } });
    expect(faucet.status(bob, NOW)).toMatchObject({ claimed_today: 0n, available_now: true });
    // Everyone's total: alice's two claims count, bob's three failures do not.
    for (let i = 0; i < 3; i++) ok(claim(faucet, randomUser()));
    expect(faucet.beginClaim(randomUser(), NOW)).toMatchObject({ Err: { DailyLimitReached: expect.anything() } });
  });

  it('gives each claim its own memo, so the ledger never takes one claim for a duplicate of another', () => {
    const { faucet } = setup();
    const memos = [randomUser(), randomUser()].map((user) => ok(claim(faucet, user)).memo);
    expect(new Set(memos).size).toBe(2);
  });

  it('lets only the admin change the configuration, within bounds', () => {
    const { faucet, admin } = setup();
    const config = { amount: 10n, per_principal_daily: 10n, daily: 1_000n };
    expect(faucet.setConfig(randomUser(), config)).toEqual({ Err: { Unauthorized: 'only the admin sets the configuration' } });
    expect(faucet.setConfig(Principal.anonymous(), config)).toMatchObject({ Err: { Unauthorized: expect.any(String) } });
    expect(ok(faucet.setConfig(admin, config)).config).toEqual(config);
    expect(faucet.setConfig(admin, { ...config, amount: 0n })).toEqual({ Err: { InvalidInput: 'amount: must be positive' } });
    expect(checkConfig({ amount: 10n, per_principal_daily: 5n, daily: 100n })).toBe('per_principal_daily: at least one amount');
    expect(checkConfig({ amount: 10n, per_principal_daily: 20n, daily: 10n })).toBe('daily: at least per_principal_daily');
    // Each day's entries in the per-principal table are bounded by the number of claims a day.
    expect(checkConfig({ amount: 1n, per_principal_daily: 1n, daily: 10_001n })).toBe('daily: at most 10000 claims of amount a day');
    expect(checkConfig(DEFAULT_CONFIG)).toBeUndefined();
  });
});
