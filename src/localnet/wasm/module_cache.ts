// Compiles each distinct module once (keyed by its sha256, the IC's module hash) and lets every
// canister running it instantiate the compiled module.
import { sha256 } from '@noble/hashes/sha2';
import { gunzipSync } from 'node:zlib';

import { checkImports } from '../host/system_api.js';
import { instrument } from './instrument.js';

export type CompiledModule = {
  hash: Uint8Array;
  original: Uint8Array;
  module: WebAssembly.Module;
  mutableGlobals: number[];
  exports: Set<string>;
};

const cache = new Map<string, CompiledModule>();

/** Accepts a raw or gzipped module, as install_code does. */
export function compileModule(bytes: Uint8Array): CompiledModule {
  const original = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  const hash = sha256(bytes);
  const key = Buffer.from(hash).toString('hex');
  const cached = cache.get(key);
  if (cached) return cached;
  if (original.length < 8 || original[0] !== 0 || original[1] !== 0x61 || original[2] !== 0x73 || original[3] !== 0x6d) {
    throw new Error('not a WebAssembly module (bad magic number)');
  }
  const { wasm, mutableGlobals, imports } = instrument(original);
  // Checked here, not left to instantiation, so a module the host cannot link is refused by name.
  checkImports(imports);
  const module = new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>);
  const exports = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const compiled = { hash, original: bytes, module, mutableGlobals, exports };
  cache.set(key, compiled);
  return compiled;
}
