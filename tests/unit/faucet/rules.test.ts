// The faucet's rules over Map-backed tables: the amount, the cap per principal per day, the cap for everyone per
// day, the day's reset, anonymous callers, the admin's configuration, and a failed transfer that does not count.
import { Principal } from '@dfinity/principal';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { checkConfig, DAY_NS, DEFAULT_CONFIG, FaucetRules, type Table, type Tables } from '../../../canisters/faucet/rules';
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

function setup(config: FaucetConfig = { amount: AMOUNT, per_principal_daily: 2n * AMOUNT, daily: 5n * AMOUNT }) {
  const admin = randomUser();
  const map = new Map<string, Tally>();
  const claims: Table<Tally> = {
    get: (key) => map.get(key),
    insert: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
    keys: () => [...map.keys()],
    len: () => map.size,
  };
  let settings: Settings = { admin, ledger: [randomUser()], config };
  let today: Tally = { day: 0n, claimed: 0n, claims: 0 };
  const tables: Tables = {
    settings: { get: () => settings, put: (value) => void (settings = value) },
    today: { get: () => today, put: (value) => void (today = value) },
    claims,
  };
  return { faucet: new FaucetRules(tables), admin, map };
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
    // The first claim of the day forgot the earlier day's principals: the table holds one day.
    expect([...map.keys()]).toEqual([users[5].toText()]);
    ok(claim(faucet, users[0], NEXT_DAY + DAY_NS / 2n));
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
    // The per-principal table holds one day's claimers, so the number of claims a day is bounded.
    expect(checkConfig({ amount: 1n, per_principal_daily: 1n, daily: 10_001n })).toBe('daily: at most 10000 claims of amount a day');
    expect(checkConfig(DEFAULT_CONFIG)).toBeUndefined();
  });
});
