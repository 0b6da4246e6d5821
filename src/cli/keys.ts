// API keys for the OpenAI-compatible API on the command line: create one (its secret printed once), list them with
// their usage, revoke one. Terms are built and checked by the SDK (src/sdk/keys.ts), as the web app builds them.
import type { ApiKeyInfo, KeyError } from '../sdk/api';
import { Refused } from '../sdk/errors';
import { keyStatus, keyTerms, NoAllowance } from '../sdk/keys';
import { parseAmount } from './amounts';
import type { Connection } from './connect';
import { at } from './time';
import { token, type Token } from './token';

export type CreateOptions = { name?: string; cap?: string; expires?: string; models?: string; rpm?: string };

/** The api canister's refusal in words; the rest of the errors as they are. */
function explained(error: unknown, cap = '<tokens>'): Error {
  if (error instanceof NoAllowance)
    return new Error(
      `a key spends from your allowance to payment (${error.payment.toText()}), and you have none: approve payment first, for what your keys may spend plus a ledger fee per request:\n  npm run cli -- ledger approve payment ${cap}`,
    );
  if (!(error instanceof Refused)) return error as Error;
  const reason = error.reason as KeyError;
  if ('NotFound' in reason) return new Error('you have no key with that id');
  const [kind, text] = Object.entries(reason)[0] as [string, string];
  const words: Record<string, string> = { InvalidInput: 'invalid key terms', LimitReached: 'limit reached', NotAllowed: 'not allowed' };
  return new Error(`the api canister refused (${words[kind] ?? kind}): ${text}`);
}

function describe(key: ApiKeyInfo, t: Token, nowNs: bigint): string {
  const { terms } = key;
  const expiry = terms.expires_at[0] === undefined ? 'never expires' : `expires ${at(terms.expires_at[0])}`;
  const used = key.last_used_at[0] === undefined ? 'never used' : `last used ${at(key.last_used_at[0])}`;
  const revoked = key.revoked_at[0] === undefined ? '' : ` at ${at(key.revoked_at[0])}`;
  return (
    `key ${key.id} ${JSON.stringify(terms.name)} (${keyStatus(key, nowNs)}${revoked}) sk-icp-…${key.hint}: ` +
    `spent ${t.amount(key.spent)} + held ${t.amount(key.held)} of ${t.amount(terms.spend_cap)}, ${key.requests} requests, ${used}, ${expiry}, ` +
    `models ${terms.models.length === 0 ? 'all' : terms.models.join(', ')}, ${terms.requests_per_minute}/min`
  );
}

/** Creates a key; prints its secret once, the base URL and a request to try it with. */
export async function createKey(c: Connection, options: CreateOptions, nowMs: number = Date.now()): Promise<void> {
  if (options.name === undefined || options.cap === undefined) throw new Error('keys create needs --name <name> and --cap <tokens>');
  const t = await token(c);
  const terms = keyTerms(
    {
      name: options.name,
      spendCap: parseAmount(options.cap, t.decimals),
      expires: options.expires,
      models: options.models,
      requestsPerMinute: options.rpm,
    },
    nowMs,
  );
  const { key, secret } = await c
    .keys()
    .createKey(c.me, terms)
    .catch((error: unknown) => {
      throw explained(error, options.cap);
    });
  const base = c.apiBaseUrl();
  const model = terms.models[0] ?? '<model id>';
  console.log(describe(key, t, BigInt(nowMs) * 1_000_000n));
  console.log(`\nSECRET (shown only now; it cannot be shown again, store it somewhere safe):\n  ${secret}\n`);
  console.log(`base URL: ${base}`);
  console.log(
    `try it:  curl ${base}/chat/completions -H "Authorization: Bearer ${secret}" -H "Content-Type: application/json" -d '{"model":"${model}","messages":[{"role":"user","content":"Hello"}]}'`,
  );
  console.log(`openai:  new OpenAI({ baseURL: '${base}', apiKey: process.env.ICP_API_KEY })`);
}

export async function listKeys(c: Connection, nowMs: number = Date.now()): Promise<void> {
  const [t, keys] = await Promise.all([token(c), c.keys().listKeys()]);
  if (keys.length === 0) return console.log('no keys (npm run cli -- keys create --name <name> --cap <tokens>)');
  for (const key of keys) console.log(describe(key, t, BigInt(nowMs) * 1_000_000n));
}

export async function revokeKey(c: Connection, id: string): Promise<void> {
  if (!/^\d+$/.test(id)) throw new Error(`not a key id: ${JSON.stringify(id)}`);
  const key = await c
    .keys()
    .revokeKey(BigInt(id))
    .catch((error: unknown) => {
      throw explained(error);
    });
  console.log(`key ${key.id} ${JSON.stringify(key.terms.name)} is revoked: requests with it are refused from now on`);
}
