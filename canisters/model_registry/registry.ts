// The registry's rules: who may publish what, what stays immutable, who may change access and the royalty cap.
// Storage comes in through two small interfaces so the canister backs them with stable memory and tests with maps.
import type { Principal } from '@dfinity/principal';

import { isOneOf } from '../shared/guard';
import { mayUse, type Access, type Model, type ModelId } from '../shared/models';
import { Catalog, entryOf, type Entry } from './catalog';
import type { ModelPage, Page, PublishRequest, Result, SearchFilter, Settings } from './types';
import {
  checkAccess,
  checkFilter,
  checkPage,
  checkPublishRequest,
  checkRoyaltyCap,
  MAX_MODELS_PER_CREATOR,
  normalizeAccess,
} from './validation';

export interface ModelStore {
  get(id: ModelId): Model | undefined;
  /** Stores a new model with its catalog entry. */
  add(model: Model, entry: Entry): void;
  /** Replaces a model whose catalog entry stays the same. */
  replace(model: Model): void;
  count(): bigint;
  /** Every catalog entry in id order, to rebuild the catalog. */
  entries(): Entry[];
}

export interface SettingsStore {
  get(): Settings;
  put(settings: Settings): void;
}

const invalid = (reason: string): Result<never> => ({ Err: { InvalidInput: reason } });
const NOT_FOUND: Result<never> = { Err: { NotFound: null } };

export class Registry {
  private readonly catalog = new Catalog();

  constructor(
    private readonly models: ModelStore,
    private readonly settings: SettingsStore,
  ) {
    for (const entry of models.entries()) this.catalog.add(entry);
  }

  /** A new, immutable entry. The first publisher of a name owns it: only they may add versions. */
  publish(caller: Principal, now: bigint, request: PublishRequest): Result<Model> {
    const problem = checkPublishRequest(request);
    if (problem !== undefined) return invalid(problem);
    const cap = this.settings.get().royalty_cap_bps;
    if (request.royalty_bps > cap) return { Err: { RoyaltyAboveCap: { cap } } };
    const owner = this.catalog.ownerOf(request.name);
    if (owner !== undefined && owner !== caller.toText()) {
      return { Err: { Unauthorized: `the name ${request.name} belongs to ${owner}` } };
    }
    const existing = this.catalog.idOf(request.name, request.version);
    if (existing !== undefined) return { Err: { AlreadyExists: { id: existing } } };
    if (this.catalog.publishedBy(caller) >= MAX_MODELS_PER_CREATOR)
      return invalid(`a creator publishes at most ${MAX_MODELS_PER_CREATOR} models (every version counts)`);

    // Ids are dense from 0 because models are never removed.
    const model: Model = {
      ...request,
      id: this.models.count(),
      access: normalizeAccess(request.access),
      creator: caller,
      published_at: now,
    };
    const entry = entryOf(model);
    this.models.add(model, entry);
    this.catalog.add(entry);
    return { Ok: model };
  }

  /** Access is the one thing a creator may change after publishing; the rest of the record is immutable. */
  setAccess(caller: Principal, id: ModelId, access: Access): Result<Model> {
    const model = this.models.get(id);
    if (model === undefined) return NOT_FOUND;
    if (!isOneOf(caller, model.creator)) return { Err: { Unauthorized: 'only the creator may change access' } };
    const problem = checkAccess(access);
    if (problem !== undefined) return invalid(problem);
    const updated = { ...model, access: normalizeAccess(access) };
    this.models.replace(updated);
    return { Ok: updated };
  }

  /** A new cap applies to later publications; published royalties are immutable. */
  setRoyaltyCap(caller: Principal, capBps: number): Result<Settings> {
    const settings = this.settings.get();
    if (!isOneOf(caller, settings.admin)) return { Err: { Unauthorized: 'only the admin may set the royalty cap' } };
    const problem = checkRoyaltyCap(capBps);
    if (problem !== undefined) return invalid(problem);
    const updated = { ...settings, royalty_cap_bps: capBps };
    this.settings.put(updated);
    return { Ok: updated };
  }

  getSettings(): Settings {
    return this.settings.get();
  }

  get(id: ModelId): Result<Model> {
    const model = this.models.get(id);
    return model === undefined ? NOT_FOUND : { Ok: model };
  }

  latest(name: string): Result<Model> {
    const id = this.catalog.latest(name);
    return id === undefined ? NOT_FOUND : this.get(id);
  }

  /** Whether `user` may run the model in jobs: anyone for a public model, else the creator and the allow list. */
  canUse(id: ModelId, user: Principal): boolean {
    const model = this.models.get(id);
    return model !== undefined && mayUse(model, user);
  }

  search(filter: SearchFilter, page: Page): Result<ModelPage> {
    const problem = checkPage(page) ?? checkFilter(filter);
    if (problem !== undefined) return invalid(problem);
    const { ids, total } = this.catalog.search(filter, page);
    return { Ok: { items: ids.map((id) => this.models.get(id) as Model), total: BigInt(total) } };
  }
}
