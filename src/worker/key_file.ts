// The worker's identity: an Ed25519 key it creates on first start and keeps in a file only its user can read.
// Its principal is the node id the provider claims.
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function loadOrCreateKey(path: string): { identity: Ed25519KeyIdentity; created: boolean } {
  if (existsSync(path)) {
    try {
      return { identity: Ed25519KeyIdentity.fromJSON(readFileSync(path, 'utf8')), created: false };
    } catch (error) {
      throw new Error(`${path} is not a worker key file (${(error as Error).message}); move it away to create a new key`);
    }
  }
  const identity = Ed25519KeyIdentity.generate();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(identity.toJSON()), { mode: 0o600 });
  chmodSync(path, 0o600);
  return { identity, created: true };
}
