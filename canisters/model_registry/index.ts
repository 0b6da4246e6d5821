// The model_registry canister: candid glue around the rules in registry.ts.
import { IDL, init, inspectMessage, msgArgData, msgCaller, postUpgrade, Principal, setTimerInterval, time } from 'azle';

import { acceptIngress } from '../shared/inspect';
import { query, update } from '../shared/methods';
import { claimAdmin, ClaimAdminResult } from '../shared/admin_claim';
import { requireSignedCaller } from '../shared/caller';
import { isOneOf } from '../shared/guard';
import { Access, Model, ModelId } from '../shared/models';
import { versionOf } from '../shared/version';
import { decodeInitArg, initialSettings } from './init_arg';
import { tellChanged } from './marketplace_peer';
import { Registry } from './registry';
import { changedModels, stableMarketplace, stableModels, stableSettings } from './storage';
import { InitArg, ModelPage, Page, PublishRequest, Result, SearchFilter, Settings } from './types';

const EMPTY_FILTER: SearchFilter = { task: [], format: [], creator: [], name_contains: [] };
/** How often changes the marketplace did not take (stopped, upgrading) are sent again. */
const RETELL_INTERVAL_S = 30;

export default class {
  // Built in init and postUpgrade, after stable memory holds the settings; it caches the index on the heap.
  registry!: Registry;

  // Manual: an install with no argument at all must work too (see init_arg.ts).
  @init([IDL.Opt(InitArg)], { manual: true })
  init(): void {
    const arg = decodeInitArg(msgArgData());
    stableSettings.put(initialSettings(arg, msgCaller()));
    stableMarketplace.put(arg?.marketplace[0]);
    this.registry = new Registry(stableModels, stableSettings);
    setTimerInterval(RETELL_INTERVAL_S, () => this.tellMarketplace());
  }

  // Azle requires init's parameters here too. The argument is ignored: settings survive upgrades and change
  // only through set_royalty_cap and set_marketplace.
  @postUpgrade([IDL.Opt(InitArg)], { manual: true })
  postUpgrade(): void {
    this.registry = new Registry(stableModels, stableSettings);
    setTimerInterval(RETELL_INTERVAL_S, () => this.tellMarketplace());
  }

  // Anonymous or oversized ingress would only trap or be refused after it ran; refuse it before induction instead.
  @inspectMessage({ manual: true })
  inspect(): boolean {
    return acceptIngress();
  }

  @query([], IDL.Text)
  version(): string {
    return versionOf('model_registry');
  }

  @update([PublishRequest], Result(Model))
  publish(request: PublishRequest): Result<Model> {
    requireSignedCaller();
    return this.registry.publish(msgCaller(), time(), request);
  }

  /** The marketplace, which keeps models for its jobs, hears of the change before this replies (or from the timer). */
  @update([ModelId, Access], Result(Model))
  async set_access(id: ModelId, access: Access): Promise<Result<Model>> {
    requireSignedCaller();
    const result = this.registry.setAccess(msgCaller(), id, access);
    if ('Ok' in result && stableMarketplace.get() !== undefined) {
      changedModels.mark(id.toString());
      await this.tellMarketplace();
    }
    return result;
  }

  /** Names the marketplace told of models whose access changes, or none. Admin only. */
  @update([IDL.Opt(IDL.Principal)], Result(IDL.Null))
  set_marketplace(marketplace: [] | [Principal]): Result<null> {
    requireSignedCaller();
    if (!isOneOf(msgCaller(), this.registry.getSettings().admin))
      return { Err: { Unauthorized: 'only the admin may name the marketplace' } };
    stableMarketplace.put(marketplace[0]);
    return { Ok: null };
  }

  @query([], IDL.Opt(IDL.Principal))
  marketplace(): [] | [Principal] {
    const marketplace = stableMarketplace.get();
    return marketplace === undefined ? [] : [marketplace];
  }

  @update([IDL.Nat16], Result(Settings))
  set_royalty_cap(capBps: number): Result<Settings> {
    requireSignedCaller();
    return this.registry.setRoyaltyCap(msgCaller(), capBps);
  }

  /** A controller (governance, after the hand-over) becomes the admin. */
  @update([], ClaimAdminResult)
  claim_admin(): ClaimAdminResult {
    return claimAdmin((admin) => stableSettings.put({ ...stableSettings.get(), admin }));
  }

  @query([], Settings)
  settings(): Settings {
    return this.registry.getSettings();
  }

  @query([ModelId], Result(Model))
  get(id: ModelId): Result<Model> {
    return this.registry.get(id);
  }

  @query([IDL.Text], Result(Model))
  latest(name: string): Result<Model> {
    return this.registry.latest(name);
  }

  @query([ModelId, IDL.Principal], IDL.Bool)
  can_use(id: ModelId, user: Principal): boolean {
    return this.registry.canUse(id, user);
  }

  @query([Page], Result(ModelPage))
  list(page: Page): Result<ModelPage> {
    return this.registry.search(EMPTY_FILTER, page);
  }

  @query([SearchFilter, Page], Result(ModelPage))
  search(filter: SearchFilter, page: Page): Result<ModelPage> {
    return this.registry.search(filter, page);
  }

  /** Tells the marketplace which models changed; what it does not take stays for the next try. */
  private async tellMarketplace(): Promise<void> {
    const marketplace = stableMarketplace.get();
    if (marketplace === undefined || changedModels.size === 0) return;
    const batch = changedModels.batch();
    const told = await tellChanged(
      marketplace,
      batch.map((entry) => BigInt(entry.key)),
    );
    if ('Ok' in told) changedModels.delivered(batch);
  }
}
