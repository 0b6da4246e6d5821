// The models jobs named lately, so a submission need not ask the registry again: its get was two messages, and a
// consensus round, on every job's path. A model's record never changes but for its access list; the registry names
// the models whose access changed (models_changed) and they are asked again, and every entry is asked again after
// MODEL_TTL_NS anyway, so a registry that does not name this marketplace leaves a record stale at most that long.
// Heap only: an upgrade starts it empty. Pure: no 'azle' import.
import type { Model, ModelId } from '../shared/models';

export const MODEL_TTL_NS = 300n * 1_000_000_000n;
/** Models kept before the cache starts over, so it stays small however many models jobs name. */
const KEPT = 1_000;

export class ModelCache {
  private readonly kept = new Map<ModelId, { model: Model; at: bigint }>();
  // Counts the changes the registry announced, so a record asked for before one arrived is not kept after it.
  private changes = 0;

  /** The model kept for `id`, unless it is older than MODEL_TTL_NS at `now`. */
  get(id: ModelId, now: bigint): Model | undefined {
    const entry = this.kept.get(id);
    if (entry === undefined) return undefined;
    if (now - entry.at < MODEL_TTL_NS) return entry.model;
    this.kept.delete(id);
    return undefined;
  }

  /** A mark to hand to keep(): taken before asking the registry. */
  mark(): number {
    return this.changes;
  }

  /** Keeps what the registry said at `now`, unless a change was announced since `mark` (the reply may predate it). */
  keep(model: Model, now: bigint, mark: number): void {
    if (mark !== this.changes) return;
    if (this.kept.size >= KEPT && !this.kept.has(model.id)) this.kept.clear();
    this.kept.set(model.id, { model, at: now });
  }

  /** The registry says these models changed: they are asked again at their next job. */
  changed(ids: ModelId[]): void {
    this.changes += 1;
    for (const id of ids) this.kept.delete(id);
  }
}
