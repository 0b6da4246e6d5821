// The model creator's side: publish a version (its file hashed in the browser, or a sha256 pasted), with license,
// royalty and access list; see my models and the royalties payment credited.
import { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2';

import type { PublishRequest } from '../../../../canisters/model_registry/types';
import { checkPublishRequest } from '../../../../canisters/model_registry/validation';
import type { HistoryEntry } from '../../../../canisters/payment/types';
import type { Model, Task } from '../../../../canisters/shared/models';
import type { Actors } from '../api/actors';
import * as analyticsApi from '../api/analytics';
import * as ledgerApi from '../api/ledger';
import * as paymentApi from '../api/payment';
import * as registryApi from '../api/model_registry';
import { parseAmount } from '../format/amount';
import { fromHex, toHex } from '../format/misc';
import { attempt, failure, fromResult, success, type Outcome } from './outcome';

/** A file's sha256 and size, read in chunks so a multi-GB model never sits in memory whole. */
export async function hashFile(file: Blob, onProgress: (done: number) => void = () => {}): Promise<{ sha256: string; size: bigint }> {
  const hash = sha256.create();
  const reader = file.stream().getReader();
  let done = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    hash.update(chunk.value);
    done += chunk.value.length;
    onProgress(done / Math.max(1, file.size));
  }
  return { sha256: toHex(hash.digest()), size: BigInt(done) };
}

export type PublishForm = {
  name: string;
  version: string;
  task: string;
  format: string;
  sha256: string;
  size: string;
  license: string;
  royaltyPercent: string;
  access: 'public' | 'allow_list';
  allowList: string;
};

const TASKS = ['text_generation', 'embedding', 'image_generation', 'speech_to_text', 'text_to_speech'];

/** The publish request for a form, checked with the registry's own field rules and the royalty cap. */
export function publishRequest(form: PublishForm, royaltyCapBps: number): Outcome<PublishRequest> {
  const hash = fromHex(form.sha256);
  if (hash === undefined || hash.length !== 32) return failure('The sha256 is 64 hex digits: pick the file to compute it, or paste it.');
  if (!/^\d+$/.test(form.size.trim()) || form.size.trim() === '0') return failure('The size is the file’s length in bytes.');
  const royalty = parseAmount(form.royaltyPercent || '0', 2, 'royalty');
  if (!royalty.ok || royalty.value > 10_000n) return failure('The royalty is a percentage from 0 to 100, with at most two decimals.');
  if (Number(royalty.value) > royaltyCapBps) return failure(`The royalty is above the cap of ${royaltyCapBps / 100}%.`);
  const allowList: Principal[] = [];
  if (form.access === 'allow_list') {
    for (const text of form.allowList.split(/[\s,]+/).filter((t) => t !== '')) {
      try {
        allowList.push(Principal.fromText(text));
      } catch {
        return failure(`"${text}" in the access list is not a principal.`);
      }
    }
  }
  const task: Task = TASKS.includes(form.task) ? ({ [form.task]: null } as Task) : { other: form.task.trim() };
  const request: PublishRequest = {
    name: form.name.trim(),
    version: form.version.trim(),
    task,
    format: form.format === 'gguf' ? { gguf: null } : form.format === 'onnx' ? { onnx: null } : { other: form.format.trim() },
    sha256: hash,
    size_bytes: BigInt(form.size.trim()),
    license: form.license.trim(),
    royalty_bps: Number(royalty.value),
    access: form.access === 'public' ? { public: null } : { allow_list: allowList },
  };
  const problem = checkPublishRequest(request);
  return problem === undefined ? success(request) : failure(`The model is not valid: ${problem}.`);
}

export async function publishModel(a: Actors, request: PublishRequest, host?: string): Promise<Outcome<Model>> {
  return attempt(async () => fromResult('model_registry', await registryApi.publish(a, request)), host);
}

export type CreatorView = {
  royaltyCapBps: number;
  models: Model[];
  /** Royalty credits, newest first. */
  royalties: { jobId: bigint; amount: bigint; at: bigint }[];
  totalRoyalties: bigint;
  owed: bigint;
};

/** The royalty credits among history entries (pure). */
export const royaltiesOf = (entries: HistoryEntry[]): CreatorView['royalties'] =>
  entries
    .flatMap((e) => ('credited' in e.event && 'creator' in e.event.credited.role ? [{ jobId: e.event.credited.job_id, amount: e.event.credited.amount, at: e.at }] : []))
    .reverse();

export async function loadCreator(a: Actors, me: Principal, host?: string): Promise<Outcome<CreatorView>> {
  return attempt(async () => {
    const account = ledgerApi.own(me);
    const [settings, flows, owed] = await Promise.all([registryApi.settings(a), analyticsApi.accountFlows(a, me), paymentApi.owedOf(a, account)]);
    const models: Model[] = [];
    for (;;) {
      const page = fromResult('model_registry', await registryApi.searchModels(a, { creator: [me], task: [], format: [], name_contains: [] }, models.length));
      if (!page.ok) return page;
      models.push(...page.value.items);
      if (page.value.items.length === 0 || BigInt(models.length) >= page.value.total) break;
    }
    // The latest page of history (up to 100 entries) is enough for the list; the total comes from analytics.
    const head = await paymentApi.history(a, account, 0, 0);
    const total = 'Ok' in head ? Number(head.Ok.total) : 0;
    const offset = Math.max(0, total - paymentApi.HISTORY_PAGE_LIMIT);
    const page = total > 0 ? await paymentApi.history(a, account, offset, total - offset) : { Ok: { items: [], total: 0n } };
    return success({
      royaltyCapBps: settings.royalty_cap_bps,
      models,
      royalties: 'Ok' in page ? royaltiesOf(page.Ok.items) : [],
      totalRoyalties: flows?.creator_earnings ?? 0n,
      owed,
    });
  }, host);
}
