// API keys for the OpenAI-compatible API, from the Keys page: the user's keys with their usage, the allowance to
// payment they spend from (and setting it), creating a key (its secret shown once) and revoking one. Terms are built
// and checked by the SDK (src/sdk/keys.ts), as the CLI builds them.
import type { Principal } from '@dfinity/principal';

import type { Allowance } from '../../../../canisters/ledger/types';
import type { ApiKeyInfo, CreatedKey } from '../../../sdk/api';
import { Refused } from '../../../sdk/errors';
import { apiBaseUrl, InvalidKeyTerms, KeyClient, keyStatus, keyTerms, NoAllowance } from '../../../sdk/keys';
import type { Actors } from '../api/actors';
import * as ledgerApi from '../api/ledger';
import type { AppConfig } from '../config';
import { errorSentence } from '../errors';
import { parseAmount, type Token } from '../format/amount';
import { msToNs } from '../format/time';
import { attempt, failure, success, type Outcome } from './outcome';
import { setAllowance } from './wallet';

export type KeyRow = {
  key: ApiKeyInfo;
  status: ReturnType<typeof keyStatus>;
  /** Of the spend cap, in percent (0 to 100): spent on finished requests, and held for running ones. */
  spentPercent: number;
  heldPercent: number;
};

export type KeysView = {
  keys: KeyRow[];
  /** What payment may take from the user now: every key's spending comes out of it. */
  allowance: Allowance;
  baseUrl: string;
};

/** What the create form holds, as typed. */
export type KeyForm = { name: string; cap: string; expires: string; models: string[]; rpm: string };

const NO_API =
  'This network has no API canister (it was deployed before the OpenAI-compatible API): restart npm start, or deploy the api canister.';

const percent = (part: bigint, whole: bigint): number => (whole === 0n ? 0 : Math.min(100, Number((part * 10_000n) / whole) / 100));

export function keyRow(key: ApiKeyInfo, nowNs: bigint): KeyRow {
  const cap = key.terms.spend_cap;
  return { key, status: keyStatus(key, nowNs), spentPercent: percent(key.spent, cap), heldPercent: percent(key.held, cap) };
}

const client = (a: Actors): KeyClient | undefined => (a.api ? new KeyClient({ api: a.api, ledger: a.ledger }, a.ids.payment) : undefined);

/** The user's keys, newest first, with the allowance to payment and the API's base URL on this network. */
export async function loadKeys(a: Actors, owner: Principal, config: AppConfig, nowMs: number = Date.now()): Promise<Outcome<KeysView>> {
  const keys = client(a);
  if (keys === undefined || config.canisters.api === undefined) return failure(NO_API);
  const api = config.canisters.api;
  return attempt(async () => {
    const [list, allowance] = await Promise.all([keys.listKeys(), ledgerApi.allowance(a, ledgerApi.own(owner), a.ids.payment)]);
    return success({
      keys: list.map((key) => keyRow(key, msToNs(nowMs))).reverse(),
      allowance,
      baseUrl: apiBaseUrl(api, config.network === 'ic' ? 'ic' : config.host),
    });
  }, config.host);
}

/** Creates a key from the form; the reply carries the secret, which nobody can read again. */
export async function createKey(
  a: Actors,
  owner: Principal,
  form: KeyForm,
  token: Token,
  host?: string,
  nowMs: number = Date.now(),
): Promise<Outcome<CreatedKey>> {
  const keys = client(a);
  if (keys === undefined) return failure(NO_API);
  const cap = parseAmount(form.cap, token.decimals, token.symbol);
  if (!cap.ok) return failure(`Spend cap: ${cap.error}`);
  let terms;
  try {
    terms = keyTerms(
      { name: form.name, spendCap: cap.value, expires: form.expires, models: form.models, requestsPerMinute: form.rpm },
      nowMs,
    );
  } catch (error) {
    if (error instanceof InvalidKeyTerms) return failure(errorSentence('api', { InvalidInput: error.problem }));
    throw error;
  }
  return attempt(async () => {
    try {
      return success(await keys.createKey(owner, terms));
    } catch (error) {
      if (error instanceof NoAllowance)
        return failure('A key spends from your allowance to payment, and you have none: approve payment above first, then create the key.');
      if (error instanceof Refused) return failure(errorSentence('api', error.reason as object, { token }));
      throw error;
    }
  }, host);
}

/** Revokes one of the user's keys: the next request with it is refused. */
export async function revokeKey(a: Actors, id: bigint, host?: string): Promise<Outcome<ApiKeyInfo>> {
  const keys = client(a);
  if (keys === undefined) return failure(NO_API);
  return attempt(async () => {
    try {
      return success(await keys.revokeKey(id));
    } catch (error) {
      if (error instanceof Refused) return failure(errorSentence('api', error.reason as object));
      throw error;
    }
  }, host);
}

/** Sets what payment may take for the user's keys (ICRC-2 sets it: it replaces the allowance in force). */
export async function approveForKeys(a: Actors, amountText: string, token: Token, host?: string, nowMs: number = Date.now()) {
  const amount = parseAmount(amountText, token.decimals, token.symbol);
  if (!amount.ok) return failure(amount.error);
  if (amount.value === 0n) return failure('Enter more than 0: a key cannot spend from an allowance of 0.');
  return setAllowance(a, 'payment', amount.value, token, host, nowMs);
}

/** Code that calls the API with the official `openai` client; the secret is read from the environment. */
export function openaiSnippet(baseUrl: string, model: string): string {
  return [
    "import OpenAI from 'openai';",
    '',
    'const client = new OpenAI({',
    `  baseURL: '${baseUrl}',`,
    '  apiKey: process.env.ICP_API_KEY,',
    '});',
    'const reply = await client.chat.completions.create({',
    `  model: '${model}',`,
    "  messages: [{ role: 'user', content: 'Hello!' }],",
    '});',
    'console.log(reply.choices[0].message.content);',
  ].join('\n');
}
