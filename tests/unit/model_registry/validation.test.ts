import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import {
  checkAccess,
  checkFilter,
  checkFormat,
  checkLicense,
  checkName,
  checkPage,
  checkPublishRequest,
  checkRoyaltyCap,
  checkSha256,
  checkSize,
  checkTask,
  checkVersion,
  MAX_ALLOW_LIST,
  MAX_BPS,
  MAX_PAGE_LIMIT,
  normalizeAccess,
} from '../../../canisters/model_registry/validation';
import { ANY, randomUser, request } from './fixtures';

describe('field validation', () => {
  it.each(['a', 'llama-3.1-8B', 'meta/llama_3', 'x'.repeat(64)])('accepts the name %s', (name) => {
    expect(checkName(name)).toBeUndefined();
  });
  it.each(['', '-lead', '.hidden', 'has space', 'ünïcode', 'x'.repeat(65), 'semi;colon'])('refuses the name %j', (name) => {
    expect(checkName(name)).toMatch(/^name:/);
  });

  it.each(['1', '1.0.0', 'v2', '1.0.0-rc.1+build.5', 'q4_k_m'])('accepts the version %s', (version) => {
    expect(checkVersion(version)).toBeUndefined();
  });
  it.each(['', '+1', '1 0', '1/0', '1'.repeat(33)])('refuses the version %j', (version) => {
    expect(checkVersion(version)).toMatch(/^version:/);
  });

  it('accepts every known task and a labelled other', () => {
    for (const task of ['text_generation', 'embedding', 'image_generation', 'speech_to_text', 'text_to_speech']) {
      expect(checkTask({ [task]: null } as never)).toBeUndefined();
    }
    expect(checkTask({ other: 'reranking' })).toBeUndefined();
  });
  it('refuses an other task that is empty, malformed or a known variant', () => {
    expect(checkTask({ other: '' })).toMatch(/^task:/);
    expect(checkTask({ other: 'a b' })).toMatch(/^task:/);
    expect(checkTask({ other: 'Embedding' })).toBe('task: use the embedding variant instead of other');
  });

  it('accepts gguf, onnx and a labelled other format, refusing a disguised known one', () => {
    expect(checkFormat({ gguf: null })).toBeUndefined();
    expect(checkFormat({ onnx: null })).toBeUndefined();
    expect(checkFormat({ other: 'safetensors' })).toBeUndefined();
    expect(checkFormat({ other: 'GGUF' })).toBe('format: use the gguf variant instead of other');
    expect(checkFormat({ other: '' })).toMatch(/^format:/);
  });

  it('wants a sha256 of exactly 32 bytes', () => {
    expect(checkSha256(new Uint8Array(32))).toBeUndefined();
    expect(checkSha256(new Uint8Array(31))).toBe('sha256: must be 32 bytes, got 31');
    expect(checkSha256(new Uint8Array(33))).toBe('sha256: must be 32 bytes, got 33');
    expect(checkSha256(new Uint8Array(0))).toBe('sha256: must be 32 bytes, got 0');
  });

  it('wants a size above zero', () => {
    expect(checkSize(1n)).toBeUndefined();
    expect(checkSize(2n ** 64n - 1n)).toBeUndefined();
    expect(checkSize(0n)).toMatch(/^size_bytes:/);
  });

  it.each(['MIT', 'apache-2.0', 'CC-BY-NC-4.0', 'Llama 3 Community License'])('accepts the license %s', (license) => {
    expect(checkLicense(license)).toBeUndefined();
  });
  it.each(['', ' MIT', 'MIT ', 'line\nbreak', 'x'.repeat(65), 'licence©'])('refuses the license %j', (license) => {
    expect(checkLicense(license)).toMatch(/^license:/);
  });

  it('accepts public access and allow lists up to the limit', () => {
    expect(checkAccess({ public: null })).toBeUndefined();
    expect(checkAccess({ allow_list: [] })).toBeUndefined();
    expect(checkAccess({ allow_list: Array.from({ length: MAX_ALLOW_LIST }, randomUser) })).toBeUndefined();
  });
  it('refuses an allow list that is too long or names the anonymous principal', () => {
    expect(checkAccess({ allow_list: Array.from({ length: MAX_ALLOW_LIST + 1 }, randomUser) })).toMatch(/^access: at most/);
    expect(checkAccess({ allow_list: [randomUser(), Principal.anonymous()] })).toMatch(/anonymous/);
  });
  it('normalizes an allow list to one entry per principal, keeping public as is', () => {
    const [a, b] = [randomUser(), randomUser()];
    expect(normalizeAccess({ allow_list: [a, b, a, Principal.fromText(a.toText())] })).toEqual({ allow_list: [a, b] });
    expect(normalizeAccess({ public: null })).toEqual({ public: null });
  });

  it('caps a royalty cap at a whole', () => {
    expect(checkRoyaltyCap(0)).toBeUndefined();
    expect(checkRoyaltyCap(MAX_BPS)).toBeUndefined();
    expect(checkRoyaltyCap(MAX_BPS + 1)).toMatch(/^royalty cap:/);
  });

  it('bounds the page limit', () => {
    expect(checkPage({ offset: 0, limit: 0 })).toBeUndefined();
    expect(checkPage({ offset: 2 ** 32 - 1, limit: MAX_PAGE_LIMIT })).toBeUndefined();
    expect(checkPage({ offset: 0, limit: MAX_PAGE_LIMIT + 1 })).toBe(`limit: at most ${MAX_PAGE_LIMIT}`);
  });

  it('bounds the name fragment of a search', () => {
    expect(checkFilter({ ...ANY, name_contains: [] })).toBeUndefined();
    expect(checkFilter({ ...ANY, name_contains: ['x'.repeat(64)] })).toBeUndefined();
    expect(checkFilter({ ...ANY, name_contains: ['x'.repeat(65)] })).toBe('name_contains: at most 64 characters');
  });

  it('reports the first bad field of a publish request', () => {
    expect(checkPublishRequest(request())).toBeUndefined();
    expect(checkPublishRequest(request({ name: '', sha256: new Uint8Array(1) }))).toMatch(/^name:/);
    expect(checkPublishRequest(request({ sha256: new Uint8Array(1) }))).toMatch(/^sha256:/);
    expect(checkPublishRequest(request({ access: { allow_list: [Principal.anonymous()] } }))).toMatch(/^access:/);
  });
});
