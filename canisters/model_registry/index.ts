// The model_registry canister: candid glue around the rules in registry.ts.
import { IDL, init, inspectMessage, msgArgData, msgCaller, postUpgrade, Principal, time } from 'azle';

import { acceptIngress } from '../shared/inspect';
import { query, update } from '../shared/methods';
import { claimAdmin, ClaimAdminResult } from '../shared/admin_claim';
import { requireSignedCaller } from '../shared/caller';
import { Access, Model, ModelId } from '../shared/models';
import { versionOf } from '../shared/version';
import { decodeInitArg, initialSettings } from './init_arg';
import { Registry } from './registry';
import { stableModels, stableSettings } from './storage';
import { InitArg, ModelPage, Page, PublishRequest, Result, SearchFilter, Settings } from './types';

const EMPTY_FILTER: SearchFilter = { task: [], format: [], creator: [], name_contains: [] };

export default class {
  // Built in init and postUpgrade, after stable memory holds the settings; it caches the index on the heap.
  registry!: Registry;

  // Manual: an install with no argument at all must work too (see init_arg.ts).
  @init([IDL.Opt(InitArg)], { manual: true })
  init(): void {
    stableSettings.put(initialSettings(decodeInitArg(msgArgData()), msgCaller()));
    this.registry = new Registry(stableModels, stableSettings);
  }

  // Azle requires init's parameters here too. The argument is ignored: settings survive upgrades and change
  // only through set_royalty_cap.
  @postUpgrade([IDL.Opt(InitArg)], { manual: true })
  postUpgrade(): void {
    this.registry = new Registry(stableModels, stableSettings);
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

  @update([ModelId, Access], Result(Model))
  set_access(id: ModelId, access: Access): Result<Model> {
    requireSignedCaller();
    return this.registry.setAccess(msgCaller(), id, access);
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
}
