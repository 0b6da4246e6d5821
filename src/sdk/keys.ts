// API keys for the OpenAI-compatible API: terms from what a person types (a cap in base units, an expiry in days or
// as a date, models, a rate), and the calls that create, list and revoke keys. The CLI and the web app both build
// terms here, so a key is refused for the same reasons, in the same words as the api canister, before any call.
import { Actor, type Agent } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';

import { termsProblem } from '../../canisters/api/keys';
import type { Account, Allowance } from '../../canisters/ledger/types';
import { idlFactory as apiIdl, type ApiKeyInfo, type ApiService, type CreatedKey, type KeyTerms } from './api';
import { ok } from './errors';
import { idlFactory as ledgerIdl, type LedgerService } from './ledger';

/** What a person chooses for a key, as typed: spendCap already in base units (parse it with the token's decimals). */
export type KeyInput = {
  name: string;
  spendCap: bigint;
  /** Days from now ("30", "0.5") or a date ("2027-01-31", "2027-01-31T12:00:00Z"); empty or absent: never. */
  expires?: string;
  /** Model ids, as a list or comma-separated; empty: every model. */
  models?: string[] | string;
  /** Requests per minute, as typed; absent or empty: DEFAULT_REQUESTS_PER_MINUTE. */
  requestsPerMinute?: string | number;
};

export const DEFAULT_REQUESTS_PER_MINUTE = 60;
const DAY_MS = 86_400_000;
const NS_PER_MS = 1_000_000n;

/** Terms a person asked for that no key can have, with the reason in the api canister's words. */
export class InvalidKeyTerms extends Error {
  constructor(readonly problem: string) {
    super(`invalid key terms: ${problem}`);
    this.name = 'InvalidKeyTerms';
  }
}

/** Key creation needs an allowance to payment: spending is drawn from it, job by job. */
export class NoAllowance extends Error {
  constructor(readonly payment: Principal) {
    super(`you have no allowance to payment (${payment.toText()}): a key spends from it, so approve payment first`);
    this.name = 'NoAllowance';
  }
}

/** The expiry, in ns since the epoch, of "30" (days), "2027-01-31" or an ISO time; none for empty text (keyTerms checks it is ahead). */
export function parseExpiry(text: string | undefined, nowMs: number): [] | [bigint] {
  const typed = (text ?? '').trim();
  if (typed === '') return [];
  const days = /^(\d+(?:\.\d+)?)d?$/.exec(typed);
  const at = days ? nowMs + Number(days[1]) * DAY_MS : Date.parse(typed);
  if (Number.isNaN(at)) throw new InvalidKeyTerms(`expires: ${JSON.stringify(typed)} is neither a number of days nor a date`);
  return [BigInt(Math.floor(at)) * NS_PER_MS];
}

/** The terms `input` asks for; InvalidKeyTerms, with the api canister's own reason, when it would refuse them. */
export function keyTerms(input: KeyInput, nowMs: number = Date.now()): KeyTerms {
  const models = (typeof input.models === 'string' ? input.models.split(',') : (input.models ?? []))
    .map((m) => m.trim())
    .filter((m) => m !== '');
  const rateText = String(input.requestsPerMinute ?? '').trim();
  if (rateText !== '' && !/^\d+$/.test(rateText))
    throw new InvalidKeyTerms(`requests_per_minute: ${JSON.stringify(rateText)} is not a whole number`);
  const terms: KeyTerms = {
    name: input.name.trim(),
    spend_cap: input.spendCap,
    expires_at: parseExpiry(input.expires, nowMs),
    models: [...new Set(models)],
    requests_per_minute: rateText === '' ? DEFAULT_REQUESTS_PER_MINUTE : Number(rateText),
  };
  const problem = termsProblem(terms, BigInt(nowMs) * NS_PER_MS);
  if (problem !== undefined) throw new InvalidKeyTerms(problem);
  return terms;
}

/**
 * The OpenAI-compatible API's base URL for the api canister `apiId`: https://<id>.icp0.io/v1 on mainnet (`network`
 * "ic", or a mainnet host), http://<id>.localhost:<port>/v1 on a local network given by its URL (npm start's gateway).
 */
export function apiBaseUrl(apiId: Principal | string, network: string): string {
  const id = typeof apiId === 'string' ? apiId : apiId.toText();
  if (network === 'ic' || /^https:\/\/([^/]*\.)?(icp0\.io|ic0\.app|icp-api\.io)(\/|$)/.test(network)) return `https://${id}.icp0.io/v1`;
  const url = new URL(network === 'local' ? 'http://127.0.0.1:4943' : network);
  return `${url.protocol}//${id}.localhost${url.port ? `:${url.port}` : ''}/v1`;
}

/** Whether a key can serve requests at `nowNs`, and if not why: revoked, expired, or its cap used up. */
export function keyStatus(key: ApiKeyInfo, nowNs: bigint): 'live' | 'revoked' | 'expired' | 'spent' {
  if (key.revoked_at.length === 1) return 'revoked';
  if (key.terms.expires_at.length === 1 && key.terms.expires_at[0] <= nowNs) return 'expired';
  if (key.spent >= key.terms.spend_cap) return 'spent';
  return 'live';
}

/** The calls the key client makes, so any actor (or a test's stand-in) serves. */
export type KeyActors = {
  api: ApiService;
  ledger: { icrc2_allowance(args: { account: Account; spender: Account }): Promise<Allowance> };
};

export class KeyClient {
  constructor(
    private readonly actors: KeyActors,
    private readonly payment: Principal,
  ) {}

  /** A client over `agent` for the api canister, and the ledger and payment its keys spend through. */
  static connect(agent: Agent, ids: { api: Principal; ledger: Principal; payment: Principal }): KeyClient {
    return new KeyClient(
      {
        api: Actor.createActor<ApiService>(apiIdl, { agent, canisterId: ids.api }),
        ledger: Actor.createActor<LedgerService>(ledgerIdl, { agent, canisterId: ids.ledger }),
      },
      ids.payment,
    );
  }

  /**
   * Creates a key with `terms` for `owner`; NoAllowance first when the owner has no allowance to payment (the
   * canister refuses it too, but this says which canister to approve). The secret is in the reply only.
   */
  async createKey(owner: Principal, terms: KeyTerms): Promise<CreatedKey> {
    const { allowance } = await this.actors.ledger.icrc2_allowance({
      account: { owner, subaccount: [] },
      spender: { owner: this.payment, subaccount: [] },
    });
    if (allowance === 0n) throw new NoAllowance(this.payment);
    return ok('create_api_key', await this.actors.api.create_api_key(terms));
  }

  /** The caller's keys, oldest first, revoked ones included; never a secret. */
  listKeys(): Promise<ApiKeyInfo[]> {
    return this.actors.api.list_api_keys();
  }

  /** Revokes one of the caller's keys at once; Refused with NotFound for a key that is not the caller's. */
  async revokeKey(id: bigint): Promise<ApiKeyInfo> {
    return ok('revoke_api_key', await this.actors.api.revoke_api_key(id));
  }
}
