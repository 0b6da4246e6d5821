// The local network's deployer: an Ed25519 key that follows from the network's root secret, so it is the same across
// restarts, written as a PEM into the state directory so that people and tools can act as it (mint the local
// token, certify providers until governance's bootstrap takes it off the certifiers, call that bootstrap) after
// importing it into icp-cli, dfx or the project's CLI.
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { sha256 } from '@noble/hashes/sha2';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { ed25519Pem } from './pem.js';

export const DEPLOYER_PEM = 'deployer.pem';

export function localDeployer(rootSecret: Uint8Array): Ed25519KeyIdentity {
  return localKey(rootSecret, 'localnet deployer');
}

/** A key of the local network named by `label`, derived from its root secret: the same across restarts. */
export function localKey(rootSecret: Uint8Array, label: string): Ed25519KeyIdentity {
  return Ed25519KeyIdentity.generate(sha256(new Uint8Array([...new TextEncoder().encode(label), ...rootSecret])));
}

/** Writes the key into `dir`/deployer.pem, readable by its owner only (0600), and returns the path. */
export function writeDeployerPem(dir: string, deployer: Ed25519KeyIdentity): Promise<string> {
  return writeKeyPem(dir, DEPLOYER_PEM, deployer);
}

/** Writes an Ed25519 key into `dir`/`name` as a PKCS#8 PEM, readable by its owner only (0600); returns the path. */
export async function writeKeyPem(dir: string, name: string, key: Ed25519KeyIdentity): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, name);
  const pem = ed25519Pem(key);
  if (!existsSync(file) || (await readFile(file, 'utf8')) !== pem) await writeFile(file, pem, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

/** How to act as the deployer from each tool, one command a line. */
export function importCommands(pem: string): string[] {
  const pemFile = /[\s'"]/.test(pem) ? JSON.stringify(pem) : pem;
  return [
    `icp-cli:     icp identity import deployer --from-pem ${pemFile} --storage plaintext`,
    `dfx:         dfx identity import deployer ${pemFile} --storage-mode plaintext`,
    `project CLI: npm run cli -- identity import deployer ${pemFile}`,
  ];
}
