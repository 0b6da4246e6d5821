// The faucet's rules over storage tables: who may claim, how much, and the daily caps. Pure: time, caller and the
// ledger's answer come in as arguments, so unit tests drive every decision. A claim is begin (check, count it,
// lock the caller), the ledger transfer in the glue, then settle: commit, or abort, which uncounts it, only when the
// ledger surely did not transfer.
import type { Principal } from '@dfinity/principal';

import type { TransferResult } from '../ledger/types';
import { isOneOf } from '../shared/guard';
import type { CallOutcome } from '../shared/peer_call';
import type { Claimed, ClaimStatus, FaucetConfig, FaucetError, Result, Settings, Tally } from './types';

export const DAY_NS = 86_400_000_000_000n;
/** At most this many claims a day (daily / amount), which bounds each day's entries in the per-principal table. */
export const MAX_CLAIMS_PER_DAY = 10_000n;
/**
 * At most this many entries of past days each claim removes, so no message does work that grows with the table.
 * A day's first 100 claims forget up to 10,000 entries of the days before; a quiet day leaves them for later.
 */
export const PRUNE_PER_CLAIM = 100;

/** 10 tokens of 8 decimals a claim, one claim per principal a day, 10,000 tokens a day in all. */
export const DEFAULT_CONFIG: FaucetConfig = {
  amount: 1_000_000_000n,
  per_principal_daily: 1_000_000_000n,
  daily: 1_000_000_000_000n,
};

/** A value kept under one key (the settings, today's total). */
export interface Cell<V> {
  get(): V;
  put(value: V): void;
}

/** The part of a StableBTreeMap the rules use, so tests back it with a Map. */
export interface Table<V> {
  get(key: string): V | undefined;
  insert(key: string, value: V): unknown;
  remove(key: string): unknown;
  /** At most `length` keys from the `start`th, in ascending byte order. */
  keys(start: number, length: number): string[];
  len(): number;
}

/**
 * Settings; everyone's tally of the current day; each principal's tally of a day under claimKey(day, principal),
 * past days pruned a bounded batch a claim; `retired`, the earlier table keyed by principal alone (one day's
 * tallies, read for the day they hold and emptied in the same batches).
 */
export type Tables = { settings: Cell<Settings>; today: Cell<Tally>; claims: Table<Tally>; retired?: Table<Tally> };

const DAY_DIGITS = 20; // u64::MAX has 20 digits: zero-padded days sort as numbers, oldest first.
/** The per-principal table's key: the day first, so past days' entries come first in key order. */
export const claimKey = (day: bigint, who: string): string => `${day.toString().padStart(DAY_DIGITS, '0')}:${who}`;
const dayOfKey = (key: string): bigint => BigInt(key.slice(0, DAY_DIGITS));

/** A claim in flight: what the glue transfers, and what abort takes back. */
export type Lease = { to: Principal; ledger: Principal; amount: bigint; day: bigint; memo: string };

export const dayOf = (now: bigint): bigint => now / DAY_NS;
/** When the day after `now`'s begins, in ns since the epoch. */
export const nextDayAt = (now: bigint): bigint => (dayOf(now) + 1n) * DAY_NS;
const EMPTY = (day: bigint): Tally => ({ day, claimed: 0n, claims: 0 });

export function checkConfig(config: FaucetConfig): string | undefined {
  if (config.amount <= 0n) return 'amount: must be positive';
  if (config.per_principal_daily < config.amount) return 'per_principal_daily: at least one amount';
  if (config.daily < config.per_principal_daily) return 'daily: at least per_principal_daily';
  if (config.daily / config.amount > MAX_CLAIMS_PER_DAY) return `daily: at most ${MAX_CLAIMS_PER_DAY} claims of amount a day`;
  return undefined;
}

const iso = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString();

export class FaucetRules {
  // Principals with a transfer in flight. Heap only: upgrades follow stop_canister, which waits for open calls.
  private readonly busy = new Set<string>();

  constructor(private readonly t: Tables) {}

  settings(): Settings {
    return this.t.settings.get();
  }

  setConfig(caller: Principal, config: FaucetConfig): Result<Settings> {
    const settings = this.settings();
    if (!isOneOf(caller, settings.admin)) return { Err: { Unauthorized: 'only the admin sets the configuration' } };
    const problem = checkConfig(config);
    if (problem !== undefined) return { Err: { InvalidInput: problem } };
    const next = { ...settings, config };
    this.t.settings.put(next);
    return { Ok: next };
  }

  /** What `who` could claim at `now`. */
  status(who: Principal, now: bigint): ClaimStatus {
    const { amount, per_principal_daily, daily } = this.settings().config;
    const mine = this.mine(who, now).claimed;
    const everyone = this.everyone(now).claimed;
    const remaining = per_principal_daily - mine;
    const available = !who.isAnonymous() && remaining >= amount && everyone + amount <= daily;
    return {
      amount,
      claimed_today: mine,
      remaining_today: remaining,
      available_now: available,
      next_claim_at: available ? now : nextDayAt(now),
    };
  }

  /** Checks a claim, counts it against today's caps and locks the caller until commit or abort. */
  beginClaim(caller: Principal, now: bigint): Result<Lease> {
    if (caller.isAnonymous()) return err({ Unauthorized: 'anonymous callers cannot claim: sign in first' });
    const { ledger, config } = this.settings();
    if (ledger[0] === undefined) return err({ NotConfigured: 'no ledger is named' });
    const key = caller.toText();
    if (this.busy.has(key)) return err({ Busy: null });
    const day = dayOf(now);
    const next_claim_at = nextDayAt(now);
    this.startDay(day);
    this.prune(day);
    const mine = this.mine(caller, now);
    if (mine.claimed + config.amount > config.per_principal_daily) {
      const message = `this principal claimed ${mine.claimed} of its ${config.per_principal_daily} for today; the next claim is possible at ${iso(next_claim_at)}`;
      return err({ PrincipalLimitReached: { claimed_today: mine.claimed, next_claim_at, message } });
    }
    const everyone = this.everyone(now);
    if (everyone.claimed + config.amount > config.daily) {
      const message = `the faucet gave out its ${config.daily} for today; the next claim is possible at ${iso(next_claim_at)}`;
      return err({ DailyLimitReached: { next_claim_at, message } });
    }
    this.t.claims.insert(claimKey(day, key), { day, claimed: mine.claimed + config.amount, claims: mine.claims + 1 });
    this.t.today.put({ day, claimed: everyone.claimed + config.amount, claims: everyone.claims + 1 });
    this.busy.add(key);
    // Unique per claim, so the ledger's deduplication never takes one claim for another.
    const memo = `faucet:${day}:${everyone.claims}`;
    return { Ok: { to: caller, ledger: ledger[0], amount: config.amount, day, memo } };
  }

  /**
   * The ledger's answer to a claim's transfer. A transfer commits it; a ledger Err, or a call that was never sent,
   * aborts it (the ledger surely moved nothing). Any other failure (SYS_UNKNOWN, a reject after the call was
   * delivered, a reply that does not decode) may have transferred: the claim stays counted and the caller is told.
   */
  settle(lease: Lease, answer: CallOutcome<TransferResult>, now: bigint): Result<Claimed> {
    if ('Err' in answer) {
      if (answer.notSent === true) {
        this.abort(lease);
        return err({ LedgerError: `${answer.Err} (the transfer was never sent; the claim does not count)` });
      }
      this.commit(lease);
      const message = `${answer.Err} (the transfer's outcome is unknown, so the claim counts against today's caps: check the balance before claiming again)`;
      return err({ LedgerError: message });
    }
    const result = answer.Ok;
    if ('Err' in result) {
      this.abort(lease);
      const error = result.Err as { InsufficientFunds?: { balance: bigint } };
      if (error.InsufficientFunds !== undefined) return err({ Empty: { balance: error.InsufficientFunds.balance } });
      return err({ LedgerError: describe(result.Err) });
    }
    this.commit(lease);
    const status = this.status(lease.to, now);
    return { Ok: { amount: lease.amount, block: result.Ok, remaining_today: status.remaining_today, next_claim_at: status.next_claim_at } };
  }

  commit(lease: Lease): void {
    this.busy.delete(lease.to.toText());
  }

  /** The transfer surely did not happen: the claim no longer counts (its day's entries stay its own). */
  abort(lease: Lease): void {
    const key = lease.to.toText();
    this.busy.delete(key);
    const tallyKey = claimKey(lease.day, key);
    const mine = this.t.claims.get(tallyKey);
    if (mine !== undefined && mine.day === lease.day) {
      this.t.claims.insert(tallyKey, { day: mine.day, claimed: mine.claimed - lease.amount, claims: mine.claims - 1 });
    }
    const everyone = this.t.today.get();
    if (everyone.day === lease.day) {
      this.t.today.put({ day: everyone.day, claimed: everyone.claimed - lease.amount, claims: everyone.claims - 1 });
    }
  }

  private startDay(day: bigint): void {
    if (this.t.today.get().day !== day) this.t.today.put(EMPTY(day));
  }

  /** Forgets at most PRUNE_PER_CLAIM entries of days before `day`, oldest first (the retired table's first). */
  private prune(day: bigint): void {
    let budget = PRUNE_PER_CLAIM;
    const retired = this.t.retired;
    if (retired !== undefined) {
      for (const key of retired.keys(0, budget)) {
        const tally = retired.get(key);
        if (tally !== undefined && tally.day >= day) continue; // still today's: read by mine() until the day turns
        retired.remove(key);
        budget--;
      }
    }
    if (budget <= 0) return;
    for (const key of this.t.claims.keys(0, budget)) {
      if (dayOfKey(key) >= day) break;
      this.t.claims.remove(key);
    }
  }

  private mine(who: Principal, now: bigint): Tally {
    const day = dayOf(now);
    const tally = this.t.claims.get(claimKey(day, who.toText())) ?? this.t.retired?.get(who.toText());
    return tally !== undefined && tally.day === day ? tally : EMPTY(day);
  }

  private everyone(now: bigint): Tally {
    const tally = this.t.today.get();
    return tally.day === dayOf(now) ? tally : EMPTY(dayOf(now));
  }
}

const err = (error: FaucetError): Result<never> => ({ Err: error });
/** A candid error variant in words (peer_call's describe, which imports azle). */
const describe = (value: object): string => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
