// The api canister: an OpenAI-compatible HTTP API over the market (handler.ts), reached through the HTTP gateway,
// and the API keys its owners create, list and revoke (keys.ts). Every HTTP request is answered by the update
// http_request_update (the query answers `upgrade`), so consensus certifies each reply and a job can run inside it.
// Thin glue: the peers' calls and the clock for handler.ts, stable memory for keys.ts.
import { IDL, init, inspectMessage, msgArgData, msgCaller, postUpgrade, Principal, time } from 'azle';

import { Allowance, AllowanceArgs } from '../ledger/types';
import { JobRequest, JobResult, JobRun } from '../marketplace/job_types';
import { Offer, OfferResult } from '../marketplace/offer_types';
import { OfferPage, QuoteResult } from '../marketplace/types';
import { ModelPage, Result as RegistryResult } from '../model_registry/types';
import { claimAdmin, ClaimAdminResult } from '../shared/admin_claim';
import { decodeOptionalArg } from '../shared/init_arg';
import { ledgerFee } from '../shared/icrc_ledger';
import { acceptIngress } from '../shared/inspect';
import { query, update } from '../shared/methods';
import { Model } from '../shared/models';
import { callPeer } from '../shared/peer_call';
import { versionOf } from '../shared/version';
import { handle, type Called, type Deps } from './handler';
import { UPGRADE } from './http';
import { allowanceProblem, creatorProblem } from './key_rules';
import { KeyRing } from './keys';
import { ModelsCache } from './models_cache';
import { keyStore, settingsCell } from './storage';
import {
  ApiKeyInfo,
  CreatedKey,
  HttpRequest,
  HttpResponse,
  infoOf,
  InitArg,
  KeyResult,
  KeyTerms,
  Settings,
  type CreatedKey as CreatedKeyT,
  type KeyResult as KeyResultT,
} from './types';

const ring = new KeyRing(keyStore);
// The ledger's fee, asked once: it changes only with an upgrade of the ledger, and this heap copy is gone after an
// upgrade of the api, which asks again.
let cachedFee: bigint | undefined;
const MANAGEMENT = Principal.fromText('aaaaa-aa');

const peer = (name: 'marketplace' | 'model_registry' | 'payment' | 'ledger'): Principal | undefined => settingsCell.get().peers[name][0];

/** A peer's reply, or why the call failed or could not be made. */
async function ask<T>(
  name: 'marketplace' | 'model_registry' | 'ledger',
  method: string,
  params: IDL.Type[],
  reply: IDL.Type,
  args: unknown[],
): Promise<Called<T>> {
  const id = peer(name);
  if (id === undefined) return { Err: `no ${name} canister is named` };
  const outcome = await callPeer<T>(name, id, method, params, reply, args);
  return 'Err' in outcome ? { Err: outcome.Err } : outcome;
}

const ModelReply = RegistryResult(Model);
const ModelPageReply = RegistryResult(ModelPage);
const OffersReply = OfferResult(OfferPage);
const RunReply = JobResult(JobRun);
const RegistryPage = IDL.Record({ offset: IDL.Nat32, limit: IDL.Nat32 });
const OfferFilter = IDL.Record({ provider: IDL.Opt(IDL.Principal), model: IDL.Opt(IDL.Nat64) });
const OfferPageArg = IDL.Record({ offset: IDL.Nat64, limit: IDL.Nat32 });

const deps: Deps = {
  ring,
  modelsCache: new ModelsCache(),
  now: () => time(),
  payment: () => peer('payment'),
  async models(offset, limit) {
    const page = await ask<{ Ok: { items: Model[] } } | { Err: object }>('model_registry', 'list', [RegistryPage], ModelPageReply, [
      { offset, limit },
    ]);
    if ('Err' in page) return page;
    return 'Ok' in page.Ok ? { Ok: page.Ok.Ok.items } : { Err: `the registry refused: ${Object.keys(page.Ok.Err)[0]}` };
  },
  async model(id) {
    const got = await ask<{ Ok: Model } | { Err: object }>('model_registry', 'get', [IDL.Nat64], ModelReply, [id]);
    if ('Err' in got) return got;
    return { Ok: 'Ok' in got.Ok ? got.Ok.Ok : undefined };
  },
  async offers(model) {
    const args = [
      { provider: [], model: [model] },
      { offset: 0n, limit: 100 },
    ];
    const page = await ask<{ Ok: { offers: Offer[] } } | { Err: object }>(
      'marketplace',
      'list_offers',
      [OfferFilter, OfferPageArg],
      OffersReply,
      args,
    );
    if ('Err' in page) return page;
    return 'Ok' in page.Ok ? { Ok: page.Ok.Ok.offers } : { Err: `the marketplace refused: ${Object.keys(page.Ok.Err)[0]}` };
  },
  quote: (request) => ask('marketplace', 'quote', [JobRequest], QuoteResult, [request]),
  runFor: (owner, request) => ask('marketplace', 'run_job_for', [IDL.Principal, JobRequest], RunReply, [owner, request]),
  async fee() {
    if (cachedFee !== undefined) return { Ok: cachedFee };
    const ledger = peer('ledger');
    if (ledger === undefined) return { Err: 'no ledger canister is named' };
    const fee = await ledgerFee(ledger);
    if ('Err' in fee) return { Err: fee.Err };
    cachedFee = fee.Ok;
    return fee;
  },
  // A sampling seed need not be unpredictable (the worker is told it): no management call for it.
  seed: async () => crypto.getRandomValues(new Uint32Array(1))[0],
};

/** 32 bytes of raw_rand: the management canister's randomness, which no replica alone can predict. */
async function randomBytes(): Promise<Uint8Array> {
  const outcome = await callPeer<Uint8Array>('management canister', MANAGEMENT, 'raw_rand', [], IDL.Vec(IDL.Nat8), []);
  if ('Err' in outcome) throw new Error(outcome.Err);
  return Uint8Array.from(outcome.Ok);
}

export default class {
  @init([IDL.Opt(InitArg)], { manual: true })
  init(): void {
    const arg = decodeOptionalArg<InitArg>(InitArg, msgArgData());
    settingsCell.put({
      admin: arg?.admin[0] ?? msgCaller(),
      peers: {
        marketplace: arg?.marketplace ?? [],
        model_registry: arg?.model_registry ?? [],
        payment: arg?.payment ?? [],
        ledger: arg?.ledger ?? [],
      },
    });
  }

  // Keys and settings survive upgrades; the argument is ignored.
  @postUpgrade([IDL.Opt(InitArg)], { manual: true })
  postUpgrade(): void {}

  // The gateway sends http_request_update as the anonymous principal: the one method anonymous ingress may call.
  @inspectMessage({ manual: true })
  inspect(): boolean {
    return acceptIngress({ anonymous: ['http_request_update'], argBytes: { http_request_update: 128 * 1024 } });
  }

  @query([], IDL.Text)
  version(): string {
    return versionOf('api');
  }

  @query([], Settings)
  settings(): Settings {
    return settingsCell.get();
  }

  /** A controller (governance, after the hand-over) becomes the admin. */
  @update([], ClaimAdminResult)
  claim_admin(): ClaimAdminResult {
    return claimAdmin((admin) => settingsCell.put({ ...settingsCell.get(), admin }));
  }

  /**
   * A new key for the caller, its secret in the reply and never again. The caller must have approved the payment
   * canister (an ICRC-2 allowance of at least 1), which the key's requests spend from.
   */
  @update([KeyTerms], KeyResult(CreatedKey))
  async create_api_key(terms: KeyTerms): Promise<KeyResultT<CreatedKeyT>> {
    const caller = msgCaller();
    const refused = creatorProblem(caller, keyStore.count());
    if (refused !== undefined) return { Err: refused };
    const payment = peer('payment');
    if (payment === undefined) return { Err: { NotAllowed: 'no payment canister is named: keys cannot spend' } };
    const allowance = await ask<Allowance>('ledger', 'icrc2_allowance', [AllowanceArgs], Allowance, [
      { account: { owner: caller, subaccount: [] }, spender: { owner: payment, subaccount: [] } },
    ]);
    if ('Err' in allowance) return { Err: { NotAllowed: `the ledger could not be asked for your allowance: ${allowance.Err}` } };
    const short = allowanceProblem(allowance.Ok, payment, time());
    if (short !== undefined) return { Err: short };
    const random = await randomBytes();
    // Asked again: other creations may have run during the awaits.
    const late = creatorProblem(caller, keyStore.count());
    if (late !== undefined) return { Err: late };
    const created = ring.create(caller, terms, random, time());
    if ('Err' in created) return created;
    return { Ok: { key: infoOf(created.Ok.key), secret: created.Ok.secret } };
  }

  /** The caller's keys with their usage, oldest first; never a secret. */
  @query([], IDL.Vec(ApiKeyInfo))
  list_api_keys(): ReturnType<typeof infoOf>[] {
    return ring.list(msgCaller(), time()).map(infoOf);
  }

  /** Revokes one of the caller's keys at once: its next request is refused. */
  @update([IDL.Nat64], KeyResult(ApiKeyInfo))
  revoke_api_key(id: bigint): KeyResultT<ReturnType<typeof infoOf>> {
    const caller = msgCaller();
    if (caller.isAnonymous()) return { Err: { NotAllowed: 'anonymous callers own no keys' } };
    const revoked = ring.revoke(caller, id, time());
    return 'Err' in revoked ? revoked : { Ok: infoOf(revoked.Ok) };
  }

  /** Every request is answered as an update (upgrade): jobs run inside it and consensus certifies the reply. */
  @query([HttpRequest], HttpResponse)
  http_request(): HttpResponse {
    return UPGRADE;
  }

  @update([HttpRequest], HttpResponse)
  async http_request_update(request: HttpRequest): Promise<HttpResponse> {
    return handle(deps, { ...request, body: Uint8Array.from(request.body) });
  }
}
