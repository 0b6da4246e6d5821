// A model file is loaded only if its sha256 is the one the model registry pins: a provider cannot serve a
// different (cheaper, altered) model under a registered model's id.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function sha256OfFile(path: string): Promise<Uint8Array> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return new Uint8Array(hash.digest());
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Resolves when the file's sha256 is `expected`; rejects with both hashes otherwise. */
export async function verifyModelFile(path: string, expected: Uint8Array): Promise<void> {
  const actual = await sha256OfFile(path);
  if (hex(actual) !== hex(expected)) {
    throw new Error(`model file ${path} has sha256 ${hex(actual)}, but the registry pins ${hex(expected)}: refusing to load it`);
  }
}
