// The models GET /v1/models lists, kept on the heap for a minute. The list needs no key, so without it every
// stranger's request would cost the api canister calls to the registry and one to the marketplace per model. A list
// older than a minute is refreshed by the request that finds it so, not by a timer: an idle API then costs nothing,
// and a flood costs at most one refresh a minute, the requests arriving during it answered with the older list.
// Lost on upgrade, which only means the next request loads it. Pure: the loading comes in as a function.
import type { ModelObject } from './models_view';

/** How long a loaded list is served before a request refreshes it. */
export const MODELS_MAX_AGE_NS = 60_000_000_000n;

export type ModelsList = {
  models: ModelObject[];
  /** Every servable model of the registry is listed (its page was not full): a model missing here does not exist. */
  complete: boolean;
};

type Loaded<E> = { Ok: ModelsList } | { Err: E };

export class ModelsCache {
  private list: (ModelsList & { at: bigint }) | undefined;
  private refreshing = false;

  constructor(private readonly maxAgeNs: bigint = MODELS_MAX_AGE_NS) {}

  /**
   * The list to answer with at `now`: the kept one while it is younger than the maximum age, or while another request
   * is loading its successor; otherwise what `load` gives, kept from `now` when it succeeded.
   */
  async get<E>(now: bigint, load: () => Promise<Loaded<E>>): Promise<Loaded<E>> {
    const kept = this.list;
    if (kept !== undefined && (now - kept.at < this.maxAgeNs || this.refreshing)) return { Ok: kept };
    this.refreshing = true;
    try {
      const loaded = await load();
      if ('Ok' in loaded) this.list = { ...loaded.Ok, at: now };
      return loaded;
    } finally {
      this.refreshing = false;
    }
  }
}
