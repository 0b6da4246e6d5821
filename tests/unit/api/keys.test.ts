// API keys over a Map-backed store: the secret shown once and kept as a hash, every refusal with the status an
// OpenAI client acts on (401 unknown, revoked or expired; 404 a model the key may not use; 429 over the rate or the
// spend cap), holds that keep concurrent jobs under the cap, and the caps on what one owner may keep.
import { Principal } from '@dfinity/principal';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { MAX_KEY_RECORDS_TOTAL } from '../../../canisters/api/key_rules';
import { HOLD_TTL, KeyRing, MAX_HOLDS, MAX_KEY_RECORDS, MAX_LIVE_KEYS, type ApiKey, type KeyTerms } from '../../../canisters/api/keys';
import { memoryKeyStore } from './memory_key_store';

const owner = () => Principal.selfAuthenticating(new Uint8Array(randomBytes(44)));
const random = () => new Uint8Array(randomBytes(32));
const NOW = 1_800_000_000_000_000_000n;
const SECOND = 1_000_000_000n;
const TERMS: KeyTerms = { name: 'laptop', spend_cap: 1_000n, expires_at: [], models: [], requests_per_minute: 3 };

function ring(): { keys: KeyRing; store: Map<bigint, ApiKey> } {
  const backing = memoryKeyStore();
  return { keys: new KeyRing(backing), store: backing.keys };
}

const created = (keys: KeyRing, who: Principal, terms: Partial<KeyTerms> = {}) => {
  const result = keys.create(who, { ...TERMS, ...terms }, random(), NOW);
  if (!('Ok' in result)) throw new Error(JSON.stringify(result.Err));
  return result.Ok;
};
const bearer = (secret: string) => `Bearer ${secret}`;

describe('creating a key', () => {
  it('shows the secret once and keeps only its hash', () => {
    const { keys, store } = ring();
    const { key, secret } = created(keys, owner());
    expect(secret).toMatch(/^sk-icp-0-[A-Za-z0-9_-]{43}$/);
    const kept = JSON.stringify([...store.values()], (_, v) => (typeof v === 'bigint' ? `${v}` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
    expect(kept).not.toContain(secret.slice('sk-icp-0-'.length));
    expect(key.secret_sha256).toHaveLength(32);
    expect(key.hint).toBe(secret.slice(-4));
  });

  it('refuses bad terms with the field at fault', () => {
    const { keys } = ring();
    const refused = (terms: Partial<KeyTerms>) => keys.create(owner(), { ...TERMS, ...terms }, random(), NOW);
    expect(refused({ name: '' })).toEqual({ Err: { InvalidInput: 'name: 1 to 64 bytes' } });
    expect(refused({ name: 'x'.repeat(65) })).toEqual({ Err: { InvalidInput: 'name: 1 to 64 bytes' } });
    expect(refused({ spend_cap: 0n })).toEqual({ Err: { InvalidInput: 'spend_cap: more than 0' } });
    expect(refused({ expires_at: [NOW] })).toEqual({ Err: { InvalidInput: 'expires_at: in the future' } });
    expect(refused({ models: Array.from({ length: 17 }, (_, i) => `m${i}`) })).toEqual({ Err: { InvalidInput: 'models: at most 16' } });
    expect(refused({ requests_per_minute: 0 })).toEqual({ Err: { InvalidInput: 'requests_per_minute: 1 to 600' } });
    expect(refused({ requests_per_minute: 1.5 })).toEqual({ Err: { InvalidInput: 'requests_per_minute: 1 to 600' } });
  });

  it('caps live keys per owner, and old revoked records give way', () => {
    const { keys } = ring();
    const who = owner();
    const live = Array.from({ length: MAX_LIVE_KEYS }, () => created(keys, who).key);
    expect(keys.create(who, TERMS, random(), NOW)).toEqual({ Err: { LimitReached: `at most ${MAX_LIVE_KEYS} live keys: revoke one first` } });
    expect('Ok' in keys.create(owner(), TERMS, random(), NOW)).toBe(true);
    while (keys.list(who, NOW).length < MAX_KEY_RECORDS) {
      keys.revoke(who, keys.list(who, NOW).find((k) => k.revoked_at.length === 0)!.id, NOW);
      created(keys, who);
    }
    const oldest = keys.list(who, NOW)[0].id;
    keys.revoke(who, keys.list(who, NOW).find((k) => k.revoked_at.length === 0)!.id, NOW);
    created(keys, who);
    expect(keys.list(who, NOW)).toHaveLength(MAX_KEY_RECORDS);
    expect(keys.list(who, NOW).some((k) => k.id === oldest)).toBe(false);
    expect(live[0].id).toBe(oldest);
  });

  it('at the bound of records in all, drops the oldest revoked record of any owner, and refuses when none is revoked', () => {
    const backing = memoryKeyStore();
    const keys = new KeyRing(backing);
    const [first, second] = [owner(), owner()];
    const a = created(keys, first).key;
    const b = created(keys, second).key;
    const c = created(keys, second).key;
    // The other records are there in count only: the bound is reached.
    backing.total = () => MAX_KEY_RECORDS_TOTAL;
    expect(keys.create(owner(), TERMS, random(), NOW)).toEqual({
      Err: { LimitReached: `the API keeps its ${MAX_KEY_RECORDS_TOTAL} key records, all live` },
    });
    keys.revoke(second, c.id, NOW);
    keys.revoke(first, a.id, NOW + SECOND);
    created(keys, owner());
    expect(backing.keys.has(a.id)).toBe(false);
    expect(backing.keys.has(c.id)).toBe(true);
    expect(backing.keys.has(b.id)).toBe(true);
  });
});

describe('admitting a request', () => {
  it('takes the right secret and refuses every other with 401', () => {
    const { keys } = ring();
    const { secret } = created(keys, owner());
    expect(keys.admit(bearer(secret), 'm', NOW)).toMatchObject({ Ok: { requests: 1n, last_used_at: [NOW] } });
    for (const [header, message] of [
      [undefined, 'Missing API key: send it as `Authorization: Bearer <key>`'],
      ['Basic abc', 'Missing API key: send it as `Authorization: Bearer <key>`'],
      [bearer(secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A')), 'Incorrect API key provided'],
      [bearer('sk-icp-99-' + secret.slice(-43)), 'Incorrect API key provided'],
      [bearer('sk-other'), 'Incorrect API key provided'],
    ] as const) {
      const refused = keys.admit(header, 'm', NOW);
      expect(refused).toMatchObject({ Err: { status: 401, error: { message, code: 'invalid_api_key' } } });
    }
  });

  it('refuses a revoked key at once and an expired key from its expiry', () => {
    const { keys } = ring();
    const who = owner();
    const revoked = created(keys, who);
    expect(keys.revoke(owner(), revoked.key.id, NOW)).toEqual({ Err: { NotFound: null } });
    keys.revoke(who, revoked.key.id, NOW);
    expect(keys.admit(bearer(revoked.secret), 'm', NOW)).toMatchObject({ Err: { status: 401, error: { message: 'The API key was revoked' } } });
    const expiring = created(keys, who, { expires_at: [NOW + SECOND] });
    expect('Ok' in keys.admit(bearer(expiring.secret), 'm', NOW)).toBe(true);
    expect(keys.admit(bearer(expiring.secret), 'm', NOW + SECOND)).toMatchObject({ Err: { status: 401, error: { message: 'The API key has expired' } } });
  });

  it('counts a hold older than HOLD_TTL as spent at its full amount and drops it, so leaked holds never block the key', () => {
    const { keys, store } = ring();
    const { key, secret } = created(keys, owner(), { spend_cap: 1_000_000n, requests_per_minute: 600 });
    // Requests whose release never ran (an upgrade while they awaited): every slot taken.
    for (let i = 0; i < MAX_HOLDS; i++) expect('Ok' in keys.hold(key.id, 10n, NOW)).toBe(true);
    expect(keys.hold(key.id, 10n, NOW + HOLD_TTL - 1n)).toMatchObject({ Err: { status: 429 } });
    expect(keys.list(key.owner, NOW + HOLD_TTL - 1n)[0]).toMatchObject({ spent: 0n, held: 160n });
    expect(keys.list(key.owner, NOW + HOLD_TTL)[0]).toMatchObject({ spent: 160n, held: 0n, holds: [] });
    expect('Ok' in keys.admit(bearer(secret), 'm', NOW + HOLD_TTL)).toBe(true);
    expect(store.get(key.id)).toMatchObject({ spent: 160n, held: 0n, holds: [] });
    expect(keys.hold(key.id, 10n, NOW + HOLD_TTL)).toEqual({ Ok: BigInt(MAX_HOLDS) });
    // A stale hold's late release counts nothing more.
    keys.release(key.id, 0n, 0n);
    expect(store.get(key.id)).toMatchObject({ spent: 160n, held: 10n });
  });

  it('allows only the models the key names, with 404 as for an unknown model', () => {
    const { keys } = ring();
    const { secret } = created(keys, owner(), { models: ['tiny'] });
    expect('Ok' in keys.admit(bearer(secret), 'tiny', NOW)).toBe(true);
    expect(keys.admit(bearer(secret), 'big', NOW)).toMatchObject({ Err: { status: 404, error: { param: 'model', code: 'model_not_found' } } });
  });

  it('takes a burst of the rate, then one request each interval, and says when to retry', () => {
    const { keys } = ring();
    const { secret } = created(keys, owner());
    // 3 a minute: a burst of 3, then one each 20 s as the allowance comes back.
    for (let i = 0; i < 3; i++) expect('Ok' in keys.admit(bearer(secret), 'm', NOW + BigInt(i) * SECOND)).toBe(true);
    expect(keys.admit(bearer(secret), 'm', NOW + 10n * SECOND)).toMatchObject({ Err: { status: 429, retryAfter: 10, error: { code: 'rate_limit_exceeded' } } });
    expect('Ok' in keys.admit(bearer(secret), 'm', NOW + 20n * SECOND)).toBe(true);
    expect(keys.admit(bearer(secret), 'm', NOW + 21n * SECOND)).toMatchObject({ Err: { status: 429, retryAfter: 19 } });
    // After a burst at 59 s, not 3 more at 61 s (a fixed minute window would start afresh at 60 s): one each 20 s.
    const other = created(keys, owner()).secret;
    for (let i = 0; i < 3; i++) expect('Ok' in keys.admit(bearer(other), 'm', NOW + 59n * SECOND)).toBe(true);
    expect(keys.admit(bearer(other), 'm', NOW + 61n * SECOND)).toMatchObject({ Err: { status: 429 } });
    expect('Ok' in keys.admit(bearer(other), 'm', NOW + 79n * SECOND)).toBe(true);
    expect(keys.admit(bearer(other), 'm', NOW + 80n * SECOND)).toMatchObject({ Err: { status: 429, retryAfter: 19 } });
  });
});

describe('spending', () => {
  it('holds the most a job may cost so concurrent jobs never pass the cap together, and releases each hold once', () => {
    const { keys, store } = ring();
    const { key } = created(keys, owner());
    const first = keys.hold(key.id, 600n, NOW);
    expect(first).toEqual({ Ok: 0n });
    expect(keys.hold(key.id, 600n, NOW)).toMatchObject({ Err: { status: 429, error: { code: 'insufficient_quota' } } });
    expect(keys.hold(key.id, 400n, NOW)).toEqual({ Ok: 1n });
    keys.release(key.id, 0n, 250n);
    expect(store.get(key.id)).toMatchObject({ spent: 250n, held: 400n });
    keys.release(key.id, 0n, 250n);
    expect(store.get(key.id)).toMatchObject({ spent: 250n, held: 400n });
    keys.release(key.id, 1n, 900n);
    expect(store.get(key.id)).toMatchObject({ spent: 650n, held: 0n, holds: [] });
    expect(keys.hold(key.id, 351n, NOW)).toMatchObject({ Err: { status: 429 } });
    expect('Ok' in keys.hold(key.id, 350n, NOW)).toBe(true);
  });

  it('holds nothing for a key revoked or expired since its request was admitted', () => {
    const { keys, store } = ring();
    const who = owner();
    const revoked = created(keys, who);
    expect('Ok' in keys.admit(bearer(revoked.secret), 'm', NOW)).toBe(true);
    keys.revoke(who, revoked.key.id, NOW);
    expect(keys.hold(revoked.key.id, 1n, NOW)).toMatchObject({ Err: { status: 401, error: { message: 'The API key was revoked', code: 'invalid_api_key' } } });
    const expiring = created(keys, who, { expires_at: [NOW + SECOND] });
    expect('Ok' in keys.admit(bearer(expiring.secret), 'm', NOW)).toBe(true);
    expect(keys.hold(expiring.key.id, 1n, NOW + SECOND)).toMatchObject({ Err: { status: 401, error: { message: 'The API key has expired' } } });
    expect([store.get(revoked.key.id)!.held, store.get(expiring.key.id)!.held]).toEqual([0n, 0n]);
  });

  it('lets one key run at most MAX_HOLDS jobs at once', () => {
    const { keys } = ring();
    const { key } = created(keys, owner(), { spend_cap: 1_000_000n });
    for (let i = 0; i < MAX_HOLDS; i++) expect('Ok' in keys.hold(key.id, 1n, NOW)).toBe(true);
    expect(keys.hold(key.id, 1n, NOW)).toMatchObject({ Err: { status: 429, retryAfter: 1, error: { code: 'rate_limit_exceeded' } } });
    keys.release(key.id, 3n, 1n);
    expect('Ok' in keys.hold(key.id, 1n, NOW)).toBe(true);
  });
});
