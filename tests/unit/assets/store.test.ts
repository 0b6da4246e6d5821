// The asset store's rules (canisters/assets/store.ts) over Map tables: batches and chunks, the operations of
// commit_batch, store(), what list/get/get_chunk answer, and the caps on what callers can add.
import { sha256 } from '@noble/hashes/sha2';
import { describe, expect, it } from 'vitest';

import { AssetError, AssetStore, LIMITS } from '../../../canisters/assets/store';
import type { CreateAssetArguments } from '../../../canisters/assets/types';
import { memoryTables } from './tables';

const NOW = 1_000n;
const utf8 = (text: string) => new TextEncoder().encode(text);
const asset = (key: string, content_type = 'text/plain'): CreateAssetArguments => ({
  key,
  content_type,
  max_age: [],
  headers: [],
  enable_aliasing: [],
  allow_raw_access: [],
});

describe('uploads', () => {
  it('commits chunks in the order named, hashing them when no sha256 is given, and drops the batch', () => {
    const tables = memoryTables();
    const store = new AssetStore(tables);
    const batch = store.createBatch(NOW);
    const a = store.createChunk(batch, utf8('hello, '), NOW);
    const b = store.createChunk(batch, utf8('world'), NOW);
    store.commitBatch(
      batch,
      [
        { CreateAsset: asset('/hello.txt') },
        { SetAssetContent: { key: '/hello.txt', content_encoding: 'identity', chunk_ids: [a, b], sha256: [] } },
      ],
      NOW,
    );
    const [listed] = store.list();
    expect(listed).toEqual({
      key: '/hello.txt',
      content_type: 'text/plain',
      encodings: [{ content_encoding: 'identity', sha256: [sha256(utf8('hello, world'))], length: 12n, modified: NOW }],
    });
    expect(store.get({ key: '/hello.txt', accept_encodings: ['gzip', 'identity'] })).toMatchObject({
      content: utf8('hello, '),
      content_encoding: 'identity',
      total_length: 12n,
    });
    expect(store.getChunk({ key: '/hello.txt', content_encoding: 'identity', index: 1n, sha256: [] })).toEqual(utf8('world'));
    expect(() => store.getChunk({ key: '/hello.txt', content_encoding: 'identity', index: 2n, sha256: [] })).toThrow(AssetError);
    expect(() => store.getChunk({ key: '/hello.txt', content_encoding: 'identity', index: 0n, sha256: [new Uint8Array(32)] })).toThrow(
      /has changed/,
    );
    expect(() => store.commitBatch(batch, [], NOW)).toThrow(/no batch/);
    expect(tables.chunkCount()).toBe(2);
  });

  it('keeps what was committed across a restart of the store (an upgrade), and nothing in flight', () => {
    const tables = memoryTables();
    const first = new AssetStore(tables);
    first.store({ key: '/a.txt', content_type: 'text/plain', content_encoding: 'identity', content: utf8('a'), sha256: [] }, NOW);
    const open = first.createBatch(NOW);
    const again = new AssetStore(tables);
    expect(again.list().map((a) => a.key)).toEqual(['/a.txt']);
    expect(again.get({ key: '/a.txt', accept_encodings: ['identity'] }).content).toEqual(utf8('a'));
    expect(() => again.createChunk(open, utf8('x'), NOW)).toThrow(/no batch/);
  });

  it('takes a given sha256 as the uploader computed it, and refuses one of the wrong length', () => {
    const store = new AssetStore(memoryTables());
    const hash = sha256(utf8('x'));
    store.store({ key: '/x', content_type: 'text/plain', content_encoding: 'identity', content: utf8('x'), sha256: [hash] }, NOW);
    expect(store.list()[0].encodings[0].sha256).toEqual([hash]);
    expect(() =>
      store.store(
        { key: '/x', content_type: 'text/plain', content_encoding: 'identity', content: utf8('x'), sha256: [new Uint8Array(3)] },
        NOW,
      ),
    ).toThrow(/32 bytes/);
  });

  it('hashes content sent without its sha256 only up to a size, since hashing in the canister is costly', () => {
    const store = new AssetStore(memoryTables());
    const content = new Uint8Array(LIMITS.unhashedBytes + 1);
    expect(() => store.store({ key: '/big', content_type: 'text/plain', content_encoding: 'identity', content, sha256: [] }, NOW)).toThrow(
      /send the sha256/,
    );
    store.store({ key: '/big', content_type: 'text/plain', content_encoding: 'identity', content, sha256: [sha256(content)] }, NOW);
    expect(store.list()[0].encodings[0].length).toBe(BigInt(content.length));
  });

  it('creates an existing asset again as a no-op, but not with another content type', () => {
    const store = new AssetStore(memoryTables());
    store.store({ key: '/x', content_type: 'text/plain', content_encoding: 'identity', content: utf8('x'), sha256: [] }, NOW);
    const version = store.version;
    store.createAsset(asset('/x'));
    expect(store.version).toBe(version);
    expect(() => store.createAsset(asset('/x', 'text/html'))).toThrow(/content type/);
  });

  it('replaces, unsets and deletes encodings, freeing their chunks', () => {
    const tables = memoryTables();
    const store = new AssetStore(tables);
    const put = (encoding: string, text: string) =>
      store.store({ key: '/x', content_type: 'text/plain', content_encoding: encoding, content: utf8(text), sha256: [] }, NOW);
    put('identity', 'one');
    put('gzip', 'zipped');
    put('identity', 'two');
    expect(store.get({ key: '/x', accept_encodings: ['identity'] }).content).toEqual(utf8('two'));
    expect(tables.chunkCount()).toBe(2);
    store.unsetAssetContent('/x', 'gzip');
    expect(() => store.get({ key: '/x', accept_encodings: ['gzip'] })).toThrow(AssetError);
    expect(tables.chunkCount()).toBe(1);
    store.apply({ DeleteAsset: { key: '/x' } }, NOW);
    expect(store.list()).toEqual([]);
    expect(tables.chunkCount()).toBe(0);
  });

  it('sets properties, and clears everything', () => {
    const store = new AssetStore(memoryTables());
    store.store({ key: '/x', content_type: 'text/plain', content_encoding: 'identity', content: utf8('x'), sha256: [] }, NOW);
    store.setAssetProperties({
      key: '/x',
      max_age: [[60n]],
      headers: [[[['x-frame-options', 'DENY']]]],
      allow_raw_access: [],
      is_aliased: [[false]],
    });
    expect(store.properties('/x')).toEqual({
      max_age: [60n],
      headers: [[['x-frame-options', 'DENY']]],
      allow_raw_access: [],
      is_aliased: [false],
    });
    store.clear();
    expect(store.list()).toEqual([]);
  });
});

describe('caps', () => {
  it('refuses bad keys, encodings, headers and chunks over the ingress limit', () => {
    const store = new AssetStore(memoryTables());
    expect(() => store.createAsset(asset('no-slash'))).toThrow(/starts with \//);
    expect(() => store.createAsset(asset(`/${'a'.repeat(LIMITS.keyLength)}`))).toThrow(AssetError);
    expect(() => store.createAsset({ ...asset('/h'), headers: [[['bad header', 'x']]] })).toThrow(/header/);
    expect(() => store.createAsset({ ...asset('/h'), headers: [[['x-ok', 'a\r\nSet-Cookie: x']]] })).toThrow(/header/);
    expect(() =>
      store.store({ key: '/e', content_type: 'text/plain', content_encoding: 'GZIP!', content: utf8('x'), sha256: [] }, NOW),
    ).toThrow(/content encoding/);
    const batch = store.createBatch(NOW);
    expect(() => store.createChunk(batch, new Uint8Array(LIMITS.chunkBytes + 1), NOW)).toThrow(/at most/);
  });

  it('caps batches in progress, and lets idle ones expire', () => {
    const store = new AssetStore(memoryTables());
    for (let i = 0; i < LIMITS.batches; i++) store.createBatch(NOW);
    expect(() => store.createBatch(NOW)).toThrow(/too many batches/);
    expect(store.createBatch(NOW + LIMITS.batchExpiryNs + 1n)).toBeGreaterThan(0n);
  });

  it('caps the bytes uploaded and not committed, and frees them with delete_batch', () => {
    const store = new AssetStore(memoryTables());
    const batch = store.createBatch(NOW);
    const chunk = new Uint8Array(LIMITS.chunkBytes);
    for (let i = 0; i < LIMITS.pendingBytes / LIMITS.chunkBytes; i++) store.createChunk(batch, chunk, NOW);
    expect(() => store.createChunk(batch, new Uint8Array(1), NOW)).toThrow(/exceed/);
    store.deleteBatch(batch);
    expect(store.createChunk(store.createBatch(NOW), new Uint8Array(1), NOW)).toBeGreaterThan(0n);
  });

  it('refuses an encoding larger than the gateway can serve', () => {
    const store = new AssetStore(memoryTables());
    store.createAsset(asset('/big'));
    const batch = store.createBatch(NOW);
    const chunk = new Uint8Array(LIMITS.chunkBytes);
    const ids = Array.from({ length: LIMITS.assetBytes / LIMITS.chunkBytes + 1 }, () => store.createChunk(batch, chunk, NOW));
    expect(() =>
      store.commitBatch(batch, [{ SetAssetContent: { key: '/big', content_encoding: 'identity', chunk_ids: ids, sha256: [] } }], NOW),
    ).toThrow(/at most/);
  });
});
