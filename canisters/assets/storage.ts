// The asset canister's state in stable memory, as the tables store.ts uses: assets by key (Candid of StoredAsset),
// chunk contents by (key, encoding, index) as raw bytes, and the principals allowed to upload besides the
// controllers. Glue: imports azle.
import { StableBTreeMap } from 'azle';

import { decodeUtf8, encodeUtf8 } from '../shared/utf8';
import { candidValue } from '../shared/stable_codecs';
import { MEMORY } from './memory';
import type { AssetTables, ChunkKey } from './store';
import { StoredAsset } from './types';

const utf8Key = { toBytes: (text: string) => encodeUtf8(text), fromBytes: (bytes: Uint8Array) => decodeUtf8(bytes) };

/** key (UTF-8), 0, encoding (ASCII), 0, index (u32 big-endian): a key holds no NUL (store.ts checks). */
const chunkKey = {
  toBytes({ key, encoding, index }: ChunkKey): Uint8Array {
    const name = encodeUtf8(key);
    const out = new Uint8Array(name.length + encoding.length + 6);
    out.set(name, 0);
    for (let i = 0; i < encoding.length; i++) out[name.length + 1 + i] = encoding.charCodeAt(i);
    new DataView(out.buffer).setUint32(out.length - 4, index);
    return out;
  },
  fromBytes(bytes: Uint8Array): ChunkKey {
    const first = bytes.indexOf(0);
    const second = bytes.indexOf(0, first + 1);
    return {
      key: decodeUtf8(bytes.subarray(0, first)),
      encoding: String.fromCharCode(...bytes.subarray(first + 1, second)),
      index: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bytes.length - 4),
    };
  },
};

/** Content as it is: no copy through JSON or Candid. */
const raw = { toBytes: (bytes: Uint8Array) => bytes, fromBytes: (bytes: Uint8Array) => bytes };

const assets = new StableBTreeMap<string, StoredAsset>(MEMORY.assets, utf8Key, candidValue<StoredAsset>(StoredAsset));
const chunks = new StableBTreeMap<ChunkKey, Uint8Array>(MEMORY.chunks, chunkKey, raw);
export const authorized = new StableBTreeMap<string, Uint8Array>(MEMORY.authorized, utf8Key, raw);

export const stableTables: AssetTables = {
  assets: {
    get: (key) => assets.get(key),
    insert: (key, value) => void assets.insert(key, value),
    remove: (key) => void assets.remove(key),
    entries: () => assets.items(),
  },
  chunks: {
    get: (key) => chunks.get(key),
    insert: (key, content) => void chunks.insert(key, content),
    remove: (key) => void chunks.remove(key),
  },
};
