// The model registry's calls, one function each.
import type { Model } from '../../../../canisters/shared/models';
import type { ModelPage, PublishRequest, Result, SearchFilter, Settings } from '../../../../canisters/model_registry/types';
import type { Actors } from './actors';

/** The registry's page limit. */
export const PAGE_LIMIT = 100;

export const listModels = (a: Actors, offset: number, limit = PAGE_LIMIT): Promise<Result<ModelPage>> =>
  a.model_registry.list({ offset, limit });
export const searchModels = (a: Actors, filter: SearchFilter, offset: number, limit = PAGE_LIMIT): Promise<Result<ModelPage>> =>
  a.model_registry.search(filter, { offset, limit });
export const getModel = (a: Actors, id: bigint): Promise<Result<Model>> => a.model_registry.get(id);
export const publish = (a: Actors, request: PublishRequest): Promise<Result<Model>> => a.model_registry.publish(request);
export const settings = (a: Actors): Promise<Settings> => a.model_registry.settings();
