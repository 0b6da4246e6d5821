// API keys: who owns a key, what it may spend, on which models and how often. The secret is shown once, at creation,
// and kept only as its SHA-256, so a read of the canister's memory gives nobody a usable key. Pure: time, randomness
// and storage come in, so unit tests drive every rule.
import type { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2';

import { base64 } from '../shared/certification';
import { hex } from '../shared/hex';
import { encodeUtf8 } from '../shared/utf8';
import type { ApiError } from './errors';
import { apiError } from './errors';
import { MAX_KEY_RECORDS_TOTAL } from './key_rules';

export type Opt<T> = [] | [T];

/** What the owner chose for a key. An empty `models` allows every model. */
export type KeyTerms = {
  name: string;
  /** The most the key may ever spend, in the ledger's base units: job prices and the ledger fees they cost the owner. */
  spend_cap: bigint;
  expires_at: Opt<bigint>;
  models: string[];
  requests_per_minute: number;
};

export type ApiKey = {
  id: bigint;
  owner: Principal;
  terms: KeyTerms;
  secret_sha256: Uint8Array;
  /** The secret's last characters, so the owner can tell keys apart in a list. */
  hint: string;
  created_at: bigint;
  revoked_at: Opt<bigint>;
  /** Paid for finished jobs, and held for jobs running now: their sum never passes the cap. */
  spent: bigint;
  held: bigint;
  /** The holds of jobs running now, [hold id, amount, taken at], so each is released once. */
  holds: [bigint, bigint, bigint][];
  next_hold: bigint;
  requests: bigint;
  last_used_at: Opt<bigint>;
  /**
   * The rate as a generic cell rate: when the key's allowance is full again. Each request moves it a minute /
   * requests_per_minute on, and one that would move it more than a minute past now waits: a burst of up to
   * requests_per_minute, then one request each interval, so t minutes see at most requests_per_minute x (t + 1).
   */
  rate_full_at: bigint;
};

export type KeyError = { InvalidInput: string } | { LimitReached: string } | { NotFound: null };

export const SECRET_PREFIX = 'sk-icp-';
export const MAX_NAME_BYTES = 64;
export const MAX_KEY_MODELS = 16;
export const MAX_MODEL_ID_BYTES = 128;
export const MAX_REQUESTS_PER_MINUTE = 600;
/** Live keys an owner may hold, and records kept in all (the oldest revoked ones give way). */
export const MAX_LIVE_KEYS = 20;
export const MAX_KEY_RECORDS = 50;
/** Jobs one key may have running at once (each holds part of its cap). */
export const MAX_HOLDS = 16;
/**
 * How long a hold may stay: longer than any job the API runs (short jobs only, each inside one call that the
 * gateway times out well before). An older one was left by a request whose release never ran (the canister was
 * upgraded while it awaited, or its continuation trapped).
 */
export const HOLD_TTL = 10n * 60n * 1_000_000_000n;
const MINUTE_NS = 60_000_000_000n;
const HINT_CHARS = 4;

/** Where keys are kept: a map by id and each owner's ids (oldest first). */
export interface KeyStore {
  get(id: bigint): ApiKey | undefined;
  put(key: ApiKey): void;
  remove(id: bigint): void;
  ownedBy(owner: Principal): bigint[];
  nextId(): bigint;
  /** Records kept, revoked ones included. */
  total(): number;
  /** The lowest id of a revoked record (the oldest of them), if any. */
  oldestRevoked(): bigint | undefined;
}

// Azle has no btoa: the certification module's encoder, which runs in canisters and Node alike.
const base64url = (bytes: Uint8Array): string => base64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

const secretHash = (secret: string): Uint8Array => sha256(encodeUtf8(secret));

/** Why `terms` cannot make a key, or undefined. */
export function termsProblem(terms: KeyTerms, now: bigint): string | undefined {
  const name = encodeUtf8(terms.name).length;
  if (name === 0 || name > MAX_NAME_BYTES) return `name: 1 to ${MAX_NAME_BYTES} bytes`;
  if (terms.spend_cap <= 0n) return 'spend_cap: more than 0';
  if (terms.expires_at.length === 1 && terms.expires_at[0] <= now) return 'expires_at: in the future';
  if (terms.models.length > MAX_KEY_MODELS) return `models: at most ${MAX_KEY_MODELS}`;
  if (terms.models.some((m) => m.length === 0 || encodeUtf8(m).length > MAX_MODEL_ID_BYTES))
    return `models: each 1 to ${MAX_MODEL_ID_BYTES} bytes`;
  if (!Number.isInteger(terms.requests_per_minute) || terms.requests_per_minute < 1 || terms.requests_per_minute > MAX_REQUESTS_PER_MINUTE)
    return `requests_per_minute: 1 to ${MAX_REQUESTS_PER_MINUTE}`;
  return undefined;
}

/** Why a key takes no request at `now`, or undefined: revoked, or expired. */
function deadProblem(key: ApiKey, now: bigint): string | undefined {
  if (key.revoked_at.length === 1) return 'The API key was revoked';
  if (key.terms.expires_at.length === 1 && key.terms.expires_at[0] <= now) return 'The API key has expired';
  return undefined;
}

const invalidKey = (message: string): { Err: ApiError } => ({
  Err: apiError(401, message, 'invalid_request_error', null, 'invalid_api_key'),
});

/**
 * The key with its holds older than HOLD_TTL counted as spent at their full amount and dropped. The outcome of
 * such a job is unknown (its money may have moved), so only the full amount keeps the cap from ever being passed;
 * dropping it frees the slot it took.
 */
function withoutStaleHolds(key: ApiKey, now: bigint): ApiKey {
  const stale = key.holds.filter(([, , at]) => now - at >= HOLD_TTL);
  if (stale.length === 0) return key;
  const amount = stale.reduce((sum, [, held]) => sum + held, 0n);
  return { ...key, spent: key.spent + amount, held: key.held - amount, holds: key.holds.filter(([, , at]) => now - at < HOLD_TTL) };
}

export class KeyRing {
  constructor(private readonly store: KeyStore) {}

  /** A new key and its secret, which nobody can read again. `random` is 32 fresh bytes (raw_rand in the canister). */
  create(owner: Principal, terms: KeyTerms, random: Uint8Array, now: bigint): { Ok: { key: ApiKey; secret: string } } | { Err: KeyError } {
    const problem = termsProblem(terms, now);
    if (problem !== undefined) return { Err: { InvalidInput: problem } };
    if (random.length < 32) return { Err: { InvalidInput: 'randomness: 32 bytes' } };
    const owned = this.store.ownedBy(owner).map((id) => this.store.get(id)!);
    if (owned.filter((key) => key.revoked_at.length === 0).length >= MAX_LIVE_KEYS)
      return { Err: { LimitReached: `at most ${MAX_LIVE_KEYS} live keys: revoke one first` } };
    if (owned.length >= MAX_KEY_RECORDS) this.store.remove(owned.find((key) => key.revoked_at.length === 1)!.id);
    else if (this.store.total() >= MAX_KEY_RECORDS_TOTAL) {
      // Across owners, the oldest revoked record gives way; the live-key cap (key_rules.ts) leaves one to give.
      const oldest = this.store.oldestRevoked();
      if (oldest === undefined) return { Err: { LimitReached: `the API keeps its ${MAX_KEY_RECORDS_TOTAL} key records, all live` } };
      this.store.remove(oldest);
    }
    const id = this.store.nextId();
    const secret = `${SECRET_PREFIX}${id}-${base64url(random.subarray(0, 32))}`;
    const key: ApiKey = {
      id,
      owner,
      terms: { ...terms, models: [...new Set(terms.models)] },
      secret_sha256: secretHash(secret),
      hint: secret.slice(-HINT_CHARS),
      created_at: now,
      revoked_at: [],
      spent: 0n,
      held: 0n,
      holds: [],
      next_hold: 0n,
      requests: 0n,
      last_used_at: [],
      rate_full_at: now,
    };
    this.store.put(key);
    return { Ok: { key, secret } };
  }

  /** The owner's keys, oldest first, stale holds counted as spent. */
  list(owner: Principal, now: bigint): ApiKey[] {
    return this.store.ownedBy(owner).map((id) => withoutStaleHolds(this.store.get(id)!, now));
  }

  /** Revoked at once: the next request with it is refused. Only the owner revokes. */
  revoke(owner: Principal, id: bigint, now: bigint): { Ok: ApiKey } | { Err: KeyError } {
    const key = this.store.get(id);
    if (key === undefined || key.owner.compareTo(owner) !== 'eq') return { Err: { NotFound: null } };
    if (key.revoked_at.length === 1) return { Ok: key };
    const revoked = { ...key, revoked_at: [now] as [bigint] };
    this.store.put(revoked);
    return { Ok: revoked };
  }

  /**
   * The key a bearer secret names, if it is live and allows `model`; counts the request in the key's rate window.
   * Every refusal is an OpenAI-style error with the status clients act on.
   */
  admit(authorization: string | undefined, model: string, now: bigint): { Ok: ApiKey } | { Err: ApiError } {
    const key = this.authenticate(authorization, now);
    if ('Err' in key) return key;
    const { terms } = key.Ok;
    if (terms.models.length > 0 && !terms.models.includes(model))
      return {
        Err: apiError(
          404,
          `The model '${model}' does not exist or this key may not use it`,
          'invalid_request_error',
          'model',
          'model_not_found',
        ),
      };
    const interval = MINUTE_NS / BigInt(terms.requests_per_minute);
    const from = key.Ok.rate_full_at > now ? key.Ok.rate_full_at : now;
    if (from + interval > now + MINUTE_NS) {
      const retryAfter = Number((from + interval - MINUTE_NS - now + 999_999_999n) / 1_000_000_000n);
      return {
        Err: {
          ...apiError(
            429,
            `Rate limit of ${terms.requests_per_minute} requests per minute reached`,
            'requests',
            null,
            'rate_limit_exceeded',
          ),
          retryAfter,
        },
      };
    }
    const admitted = {
      ...withoutStaleHolds(key.Ok, now),
      rate_full_at: from + interval,
      requests: key.Ok.requests + 1n,
      last_used_at: [now] as [bigint],
    };
    this.store.put(admitted);
    return { Ok: admitted };
  }

  /**
   * Holds `amount` of the key's cap for jobs about to run, so concurrent jobs together never pass the cap; the
   * hold's id releases it. A key revoked or expired since its request was admitted holds nothing.
   */
  hold(id: bigint, amount: bigint, now: bigint): { Ok: bigint } | { Err: ApiError } {
    const stored = this.store.get(id);
    if (stored === undefined) return invalidKey('The API key was removed');
    const dead = deadProblem(stored, now);
    if (dead !== undefined) return invalidKey(dead);
    const key = withoutStaleHolds(stored, now);
    if (key.holds.length >= MAX_HOLDS)
      return {
        Err: {
          ...apiError(429, `At most ${MAX_HOLDS} requests of one key run at once`, 'requests', null, 'rate_limit_exceeded'),
          retryAfter: 1,
        },
      };
    if (key.spent + key.held + amount > key.terms.spend_cap)
      return {
        Err: apiError(
          429,
          `The key's spend cap of ${key.terms.spend_cap} would be passed (spent ${key.spent}, held for running jobs ${key.held}, this job up to ${amount})`,
          'insufficient_quota',
          null,
          'insufficient_quota',
        ),
      };
    const hold = key.next_hold;
    this.store.put({ ...key, held: key.held + amount, holds: [...key.holds, [hold, amount, now]], next_hold: hold + 1n });
    return { Ok: hold };
  }

  /**
   * Ends a hold once: `charged` (at most what was held) counts as spent, the rest is free again. A hold already
   * counted as stale is gone, so its release changes nothing.
   */
  release(id: bigint, hold: bigint, charged: bigint): void {
    const key = this.store.get(id);
    const held = key?.holds.find(([h]) => h === hold)?.[1];
    if (key === undefined || held === undefined) return;
    const paid = charged < held ? charged : held;
    this.store.put({ ...key, held: key.held - held, spent: key.spent + paid, holds: key.holds.filter(([h]) => h !== hold) });
  }

  private authenticate(authorization: string | undefined, now: bigint): { Ok: ApiKey } | { Err: ApiError } {
    const match = /^Bearer (\S+)$/.exec(authorization?.trim() ?? '');
    if (match === null) return invalidKey('Missing API key: send it as `Authorization: Bearer <key>`');
    const secret = match[1];
    const id = new RegExp(`^${SECRET_PREFIX}(\\d{1,20})-`).exec(secret);
    const key = id === null ? undefined : this.store.get(BigInt(id[1]));
    if (key === undefined || hex(key.secret_sha256) !== hex(secretHash(secret))) return invalidKey('Incorrect API key provided');
    const dead = deadProblem(key, now);
    return dead === undefined ? { Ok: key } : invalidKey(dead);
  }
}
