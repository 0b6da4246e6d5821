// The rules of the asset store, as DFINITY's asset canister has them: assets by key, each with a content type,
// properties and one or more encodings (identity, gzip, ...) whose content is a list of chunks. Content arrives in
// batches: create_batch, create_chunk (each at most one ingress message), then commit_batch with the operations
// that use the chunks; or store() for what fits in one message. Every limit a caller could push is capped here.
// Errors are thrown (AssetError); the canister turns them into a trap, which rolls the whole message back, so a
// commit either applies every operation or none, as the standard interface promises.
// Pure: no 'azle' import; the tables and the time come in as arguments.
import { sha256 } from '@noble/hashes/sha2';

import type {
  AssetDetails,
  AssetProperties,
  BatchOperationKind,
  CreateAssetArguments,
  EncodedAsset,
  GetArguments,
  GetChunkArguments,
  SetAssetContentArguments,
  SetAssetPropertiesArguments,
  StoreArguments,
  StoredAsset,
  StoredEncoding,
} from './types';

export class AssetError extends Error {}

export const LIMITS = {
  keyLength: 1024,
  contentTypeLength: 256,
  headers: 32,
  headerLength: 4096,
  assets: 10_000,
  /** One encoding of one asset: the HTTP gateway holds a streamed body whole, and stops at 32 MiB. */
  assetBytes: 32 * 1024 * 1024,
  /** All content kept. */
  storedBytes: 1024 * 1024 * 1024,
  /** Chunks uploaded and not yet committed, on the heap. */
  pendingBytes: 64 * 1024 * 1024,
  /**
   * Content uploaded without its sha256 is hashed here, at about 27,000 instructions a byte in the canister's JS
   * engine (1 MB would take 25 of an update's 40 billion): only this much of it. Uploaders send the hash.
   */
  unhashedBytes: 64 * 1024,
  /** A chunk arrives in one ingress message, at most 2 MiB with its envelope. */
  chunkBytes: 2 * 1024 * 1024,
  batches: 64,
  /** A batch no chunk was added to for this long is dropped when the next batch is created. */
  batchExpiryNs: 5n * 60n * 1_000_000_000n,
} as const;

const ENCODING = /^[a-z0-9-]{1,32}$/;

export type ChunkKey = { key: string; encoding: string; index: number };

/** Where the store keeps what must survive an upgrade (StableBTreeMaps in the canister, Maps in tests). */
export interface AssetTables {
  assets: {
    get(key: string): StoredAsset | undefined;
    insert(key: string, asset: StoredAsset): void;
    remove(key: string): void;
    entries(): [string, StoredAsset][];
  };
  chunks: {
    get(key: ChunkKey): Uint8Array | undefined;
    insert(key: ChunkKey, content: Uint8Array): void;
    remove(key: ChunkKey): void;
  };
}

type Batch = { chunks: bigint[]; bytes: number; touched: bigint };

export class AssetStore {
  /** Every asset, on the heap (rebuilt from the tables after an upgrade): serving and certifying read it. */
  readonly assets = new Map<string, StoredAsset>();
  private storedBytes = 0;
  private readonly batches = new Map<bigint, Batch>();
  private readonly pending = new Map<bigint, { batch: bigint; content: Uint8Array }>();
  private pendingBytes = 0;
  private nextBatch = 1n;
  private nextChunk = 1n;
  /** Bumped by every change of the assets, so the canister knows when to certify again. */
  version = 0;

  constructor(private readonly tables: AssetTables) {
    for (const [key, asset] of tables.assets.entries()) {
      this.assets.set(key, asset);
      for (const encoding of asset.encodings) this.storedBytes += Number(encoding.length);
    }
  }

  createBatch(now: bigint): bigint {
    for (const [id, batch] of this.batches) if (now - batch.touched > LIMITS.batchExpiryNs) this.dropBatch(id);
    if (this.batches.size >= LIMITS.batches) {
      throw new AssetError(`too many batches in progress (${LIMITS.batches}): commit or delete_batch some first`);
    }
    const id = this.nextBatch++;
    this.batches.set(id, { chunks: [], bytes: 0, touched: now });
    return id;
  }

  createChunk(batchId: bigint, content: Uint8Array, now: bigint): bigint {
    const batch = this.batch(batchId);
    if (content.length > LIMITS.chunkBytes) throw new AssetError(`a chunk is at most ${LIMITS.chunkBytes} bytes, not ${content.length}`);
    if (this.pendingBytes + content.length > LIMITS.pendingBytes) {
      throw new AssetError(`uploads in progress would exceed ${LIMITS.pendingBytes} bytes: commit or delete a batch first`);
    }
    const id = this.nextChunk++;
    this.pending.set(id, { batch: batchId, content });
    batch.chunks.push(id);
    batch.bytes += content.length;
    batch.touched = now;
    this.pendingBytes += content.length;
    return id;
  }

  /** Runs every operation in order, then drops the batch and its unused chunks. */
  commitBatch(batchId: bigint, operations: BatchOperationKind[], now: bigint): void {
    this.batch(batchId);
    for (const operation of operations) this.apply(operation, now);
    this.dropBatch(batchId);
  }

  deleteBatch(batchId: bigint): void {
    this.batch(batchId);
    this.dropBatch(batchId);
  }

  apply(operation: BatchOperationKind, now: bigint): void {
    if ('CreateAsset' in operation) this.createAsset(operation.CreateAsset);
    else if ('SetAssetContent' in operation) this.setAssetContent(operation.SetAssetContent, now);
    else if ('SetAssetProperties' in operation) this.setAssetProperties(operation.SetAssetProperties);
    else if ('UnsetAssetContent' in operation)
      this.unsetAssetContent(operation.UnsetAssetContent.key, operation.UnsetAssetContent.content_encoding);
    else if ('DeleteAsset' in operation) this.deleteAsset(operation.DeleteAsset.key);
    else if ('Clear' in operation) this.clear();
  }

  /** Creates an empty asset; an existing one with the same content type is left as it is. */
  createAsset(arg: CreateAssetArguments): void {
    checkKey(arg.key);
    if (arg.content_type.length > LIMITS.contentTypeLength)
      throw new AssetError(`a content type is at most ${LIMITS.contentTypeLength} characters`);
    const headers = arg.headers[0];
    if (headers !== undefined) checkHeaders(headers);
    const existing = this.assets.get(arg.key);
    if (existing !== undefined) {
      if (existing.content_type !== arg.content_type) {
        throw new AssetError(`create_asset: ${arg.key} exists with content type ${existing.content_type}, not ${arg.content_type}`);
      }
      return;
    }
    if (this.assets.size >= LIMITS.assets) throw new AssetError(`the canister holds at most ${LIMITS.assets} assets`);
    this.put(arg.key, {
      content_type: arg.content_type,
      max_age: arg.max_age,
      headers: arg.headers,
      is_aliased: arg.enable_aliasing,
      allow_raw_access: arg.allow_raw_access,
      encodings: [],
    });
  }

  /** Sets one encoding's content from uploaded chunks, in the order given; sha256 is computed when not given. */
  setAssetContent(arg: SetAssetContentArguments, now: bigint): void {
    const contents = arg.chunk_ids.map((id) => {
      const chunk = this.pending.get(id);
      if (chunk === undefined) throw new AssetError(`set_asset_content ${arg.key}: no chunk ${id} (uploaded and not yet used)`);
      return chunk.content;
    });
    this.setContent(arg.key, arg.content_encoding, contents, arg.sha256[0], now);
    for (const id of arg.chunk_ids) this.forgetChunk(id);
  }

  /** store(): create_asset and set_asset_content in one call, for content that fits in one message. */
  store(arg: StoreArguments, now: bigint): void {
    this.createAsset({ key: arg.key, content_type: arg.content_type, max_age: [], headers: [], enable_aliasing: [], allow_raw_access: [] });
    this.setContent(arg.key, arg.content_encoding, [arg.content], arg.sha256[0], now);
  }

  setAssetProperties(arg: SetAssetPropertiesArguments): void {
    const asset = this.asset(arg.key);
    const headers = arg.headers[0]?.[0];
    if (headers !== undefined) checkHeaders(headers);
    this.put(arg.key, {
      ...asset,
      max_age: arg.max_age[0] ?? asset.max_age,
      headers: arg.headers[0] ?? asset.headers,
      allow_raw_access: arg.allow_raw_access[0] ?? asset.allow_raw_access,
      is_aliased: arg.is_aliased[0] ?? asset.is_aliased,
    });
  }

  unsetAssetContent(key: string, contentEncoding: string): void {
    const asset = this.asset(key);
    const encoding = asset.encodings.find((e) => e.content_encoding === contentEncoding);
    if (encoding === undefined) throw new AssetError(`unset_asset_content: ${key} has no ${contentEncoding} encoding`);
    this.dropContent(key, encoding);
    this.put(key, { ...asset, encodings: asset.encodings.filter((e) => e !== encoding) });
  }

  deleteAsset(key: string): void {
    const asset = this.assets.get(key);
    if (asset === undefined) return;
    for (const encoding of asset.encodings) this.dropContent(key, encoding);
    this.tables.assets.remove(key);
    this.assets.delete(key);
    this.version++;
  }

  clear(): void {
    for (const key of [...this.assets.keys()]) this.deleteAsset(key);
    for (const id of [...this.batches.keys()]) this.dropBatch(id);
  }

  list(): AssetDetails[] {
    return [...this.assets.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, asset]) => ({
        key,
        content_type: asset.content_type,
        encodings: asset.encodings.map((e) => ({
          content_encoding: e.content_encoding,
          sha256: [e.sha256],
          length: e.length,
          modified: e.modified,
        })),
      }));
  }

  /** The first of the accepted encodings the asset has, as its chunk 0 and total length. */
  get({ key, accept_encodings }: GetArguments): EncodedAsset {
    const asset = this.asset(key);
    for (const name of accept_encodings) {
      const encoding = asset.encodings.find((e) => e.content_encoding === name);
      if (encoding === undefined) continue;
      return {
        content: this.chunk(key, encoding, 0),
        content_type: asset.content_type,
        content_encoding: name,
        sha256: [encoding.sha256],
        total_length: encoding.length,
      };
    }
    throw new AssetError(`${key} has none of the encodings ${accept_encodings.join(', ') || '(none named)'}`);
  }

  getChunk({ key, content_encoding, index, sha256: expected }: GetChunkArguments): Uint8Array {
    const encoding = this.encoding(key, content_encoding);
    if (expected[0] !== undefined && !sameBytes(expected[0], encoding.sha256)) {
      throw new AssetError(`${key} (${content_encoding}) has changed: its sha256 is not the one asked for`);
    }
    if (index >= BigInt(encoding.chunks))
      throw new AssetError(`${key} (${content_encoding}) has ${encoding.chunks} chunks, no chunk ${index}`);
    return this.chunk(key, encoding, Number(index));
  }

  properties(key: string): AssetProperties {
    const asset = this.asset(key);
    return { max_age: asset.max_age, headers: asset.headers, allow_raw_access: asset.allow_raw_access, is_aliased: asset.is_aliased };
  }

  encoding(key: string, contentEncoding: string): StoredEncoding {
    const encoding = this.asset(key).encodings.find((e) => e.content_encoding === contentEncoding);
    if (encoding === undefined) throw new AssetError(`${key} has no ${contentEncoding} encoding`);
    return encoding;
  }

  /** Chunk `index` of an encoding, from the tables. */
  chunk(key: string, encoding: StoredEncoding, index: number): Uint8Array {
    if (encoding.chunks === 0) return new Uint8Array();
    const content = this.tables.chunks.get({ key, encoding: encoding.content_encoding, index });
    if (content === undefined)
      throw new Error(`assets: chunk ${index} of ${key} (${encoding.content_encoding}) is missing from stable memory`);
    return content;
  }

  private setContent(key: string, contentEncoding: string, contents: Uint8Array[], given: Uint8Array | undefined, now: bigint): void {
    const asset = this.asset(key);
    if (!ENCODING.test(contentEncoding)) throw new AssetError(`"${contentEncoding}" is not a content encoding (such as identity or gzip)`);
    const length = contents.reduce((n, c) => n + c.length, 0);
    if (length > LIMITS.assetBytes) throw new AssetError(`${key}: an encoding is at most ${LIMITS.assetBytes} bytes, not ${length}`);
    const previous = asset.encodings.find((e) => e.content_encoding === contentEncoding);
    const stored = this.storedBytes - Number(previous?.length ?? 0n) + length;
    if (stored > LIMITS.storedBytes) throw new AssetError(`the canister holds at most ${LIMITS.storedBytes} bytes of content`);
    if (given !== undefined && given.length !== 32) throw new AssetError(`${key}: sha256 must be 32 bytes, not ${given.length}`);
    // Uploaders (dfx, @dfinity/assets) send the hash; as DFINITY's canister does, it is taken as given. A wrong one
    // only makes the gateway refuse the asset, since the certified response hash is built on it.
    if (given === undefined && length > LIMITS.unhashedBytes) {
      throw new AssetError(
        `${key}: send the sha256 of content over ${LIMITS.unhashedBytes} bytes (hashing it here costs too many instructions)`,
      );
    }
    const hash = given ?? digest(contents);
    if (previous !== undefined) this.dropContent(key, previous);
    // Empty chunks are not kept: they would only add a callback round trip when served.
    const chunks = contents.filter((c) => c.length > 0);
    chunks.forEach((content, index) => this.tables.chunks.insert({ key, encoding: contentEncoding, index }, content));
    const encoding: StoredEncoding = {
      content_encoding: contentEncoding,
      sha256: hash,
      length: BigInt(length),
      chunks: chunks.length,
      modified: now,
    };
    this.storedBytes += length;
    this.put(key, { ...asset, encodings: [...asset.encodings.filter((e) => e !== previous), encoding] });
  }

  private dropContent(key: string, encoding: StoredEncoding): void {
    for (let index = 0; index < encoding.chunks; index++) this.tables.chunks.remove({ key, encoding: encoding.content_encoding, index });
    this.storedBytes -= Number(encoding.length);
  }

  private put(key: string, asset: StoredAsset): void {
    this.tables.assets.insert(key, asset);
    this.assets.set(key, asset);
    this.version++;
  }

  private asset(key: string): StoredAsset {
    const asset = this.assets.get(key);
    if (asset === undefined) throw new AssetError(`no asset ${key}`);
    return asset;
  }

  private batch(id: bigint): Batch {
    const batch = this.batches.get(id);
    if (batch === undefined) throw new AssetError(`no batch ${id} (committed, deleted or expired)`);
    return batch;
  }

  private dropBatch(id: bigint): void {
    const batch = this.batches.get(id);
    if (batch === undefined) return;
    for (const chunk of batch.chunks) this.forgetChunk(chunk);
    this.batches.delete(id);
  }

  private forgetChunk(id: bigint): void {
    const chunk = this.pending.get(id);
    if (chunk === undefined) return;
    this.pending.delete(id);
    this.pendingBytes -= chunk.content.length;
    const batch = this.batches.get(chunk.batch);
    if (batch !== undefined) batch.bytes -= chunk.content.length;
  }
}

function checkKey(key: string): void {
  if (!key.startsWith('/') || key.length > LIMITS.keyLength || key.includes('\u0000')) {
    throw new AssetError(
      `an asset key starts with / and has at most ${LIMITS.keyLength} characters, not ${JSON.stringify(key.slice(0, 64))}`,
    );
  }
}

function checkHeaders(headers: [string, string][]): void {
  if (headers.length > LIMITS.headers) throw new AssetError(`an asset has at most ${LIMITS.headers} headers`);
  for (const [name, value] of headers) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/.test(name) || value.length > LIMITS.headerLength || /[\r\n\u0000]/.test(value)) {
      throw new AssetError(`${JSON.stringify(name.slice(0, 64))} is not a header this canister serves`);
    }
  }
}

function digest(contents: Uint8Array[]): Uint8Array {
  const hash = sha256.create();
  for (const content of contents) hash.update(content);
  return hash.digest();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
