// The heap index over the stored models: who owns each name, its versions, and the ids per task, format and
// creator, so searches start from the smallest matching list instead of reading every model. It is a cache,
// rebuilt after an upgrade from compact entries kept beside the models; the models themselves are read only
// for the page returned.
import type { Principal } from '@dfinity/principal';

import type { Format, Model, ModelId, Task } from '../shared/models';
import type { Page, SearchFilter } from './types';

/** What the index needs of a model: its name without case, version, task and format keys and creator as text. */
export type Entry = { id: ModelId; name: string; version: string; task: string; format: string; creator: string };
type NameEntry = { owner: string; versions: Map<string, ModelId>; latest: ModelId };

/** A variant as one comparable string; `other` labels compare without case. */
export function variantKey(value: Task | Format): string {
  const [tag, label] = Object.entries(value)[0] as [string, string | null];
  return label === null ? tag : `${tag}:${label.toLowerCase()}`;
}

// Names are compared without case, so "Llama" cannot pose as another creator's "llama".
const nameKey = (name: string): string => name.toLowerCase();

export function entryOf(model: Model): Entry {
  return {
    id: model.id,
    name: nameKey(model.name),
    version: model.version,
    task: variantKey(model.task),
    format: variantKey(model.format),
    creator: model.creator.toText(),
  };
}

// Entries are stored as their fields joined by tabs, in ASCII: validation keeps tabs and non-ASCII characters
// out of these fields, and this costs a fraction of JSON through azle's text codec when an upgrade
// reads every entry back.
const FIELDS = ['name', 'version', 'task', 'format', 'creator'] as const;

export function encodeEntry(entry: Entry): Uint8Array {
  const text = FIELDS.map((field) => entry[field]).join('\t');
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

export function decodeEntry(id: ModelId, bytes: Uint8Array): Entry {
  const [name, version, task, format, creator] = String.fromCharCode(...bytes).split('\t');
  return { id, name, version, task, format, creator };
}

export class Catalog {
  private readonly entries = new Map<ModelId, Entry>();
  private readonly names = new Map<string, NameEntry>();
  // Ids in each list ascend, because models are added in id order.
  private readonly byTask = new Map<string, ModelId[]>();
  private readonly byFormat = new Map<string, ModelId[]>();
  private readonly byCreator = new Map<string, ModelId[]>();

  add(entry: Entry): void {
    this.entries.set(entry.id, entry);
    const name = this.names.get(entry.name) ?? { owner: entry.creator, versions: new Map(), latest: entry.id };
    name.versions.set(entry.version, entry.id);
    name.latest = entry.id;
    this.names.set(entry.name, name);
    append(this.byTask, entry.task, entry.id);
    append(this.byFormat, entry.format, entry.id);
    append(this.byCreator, entry.creator, entry.id);
  }

  /** How many models (every version counts) `creator` has published. */
  publishedBy(creator: Principal): number {
    return this.byCreator.get(creator.toText())?.length ?? 0;
  }

  /** The creator who first published under this name, if anyone has. */
  ownerOf(name: string): string | undefined {
    return this.names.get(nameKey(name))?.owner;
  }

  idOf(name: string, version: string): ModelId | undefined {
    return this.names.get(nameKey(name))?.versions.get(version);
  }

  /** The version published last under this name. */
  latest(name: string): ModelId | undefined {
    return this.names.get(nameKey(name))?.latest;
  }

  /** The ids on the requested page, in publishing order, and how many models match in all. */
  search(filter: SearchFilter, page: Page): { ids: ModelId[]; total: number } {
    const lists: ModelId[][] = [];
    if (filter.task.length === 1) lists.push(this.byTask.get(variantKey(filter.task[0])) ?? []);
    if (filter.format.length === 1) lists.push(this.byFormat.get(variantKey(filter.format[0])) ?? []);
    if (filter.creator.length === 1) lists.push(this.byCreator.get(filter.creator[0].toText()) ?? []);
    const candidates = lists.length === 0 ? this.entries.keys() : lists.reduce((a, b) => (b.length < a.length ? b : a));

    const matches = this.matcher(filter);
    const ids: ModelId[] = [];
    let total = 0;
    for (const id of candidates) {
      if (!matches(this.entries.get(id) as Entry)) continue;
      if (total >= page.offset && ids.length < page.limit) ids.push(id);
      total++;
    }
    return { ids, total };
  }

  private matcher(filter: SearchFilter): (entry: Entry) => boolean {
    const task = filter.task.length === 1 ? variantKey(filter.task[0]) : undefined;
    const format = filter.format.length === 1 ? variantKey(filter.format[0]) : undefined;
    const creator = filter.creator.length === 1 ? filter.creator[0].toText() : undefined;
    const fragment = filter.name_contains.length === 1 ? nameKey(filter.name_contains[0]) : undefined;
    return (entry) =>
      (task === undefined || entry.task === task) &&
      (format === undefined || entry.format === format) &&
      (creator === undefined || entry.creator === creator) &&
      (fragment === undefined || entry.name.includes(fragment));
  }
}

function append(index: Map<string, ModelId[]>, key: string, id: ModelId): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [id]);
  else list.push(id);
}
