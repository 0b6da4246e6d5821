// The command line's identities: Ed25519 keys created here or secp256k1/Ed25519 PEM files imported (as dfx
// exports them), kept under the market home (ICP_MARKET_HOME, else ~/.icp-market), one of them in use.
import type { SignIdentity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { identityFromPem } from '../deploy/pem';

export const home = (): string => process.env.ICP_MARKET_HOME ?? join(homedir(), '.icp-market');
const dir = () => join(home(), 'identities');
const file = (name: string) => join(dir(), `${name}.json`);
const currentFile = () => join(home(), 'identity');

type Stored = { kind: 'ed25519'; key: unknown } | { kind: 'secp256k1'; pem: string };

function checkName(name: string): void {
  if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) throw new Error(`identity names are letters, digits, _ and -: ${JSON.stringify(name)}`);
}

function save(name: string, stored: Stored): void {
  checkName(name);
  if (existsSync(file(name))) throw new Error(`an identity named ${name} exists already`);
  mkdirSync(dir(), { recursive: true, mode: 0o700 });
  writeFileSync(file(name), JSON.stringify(stored), { mode: 0o600 });
  chmodSync(file(name), 0o600);
  if (!existsSync(currentFile())) writeFileSync(currentFile(), name);
}

export function createIdentity(name: string): SignIdentity {
  const identity = Ed25519KeyIdentity.generate();
  save(name, { kind: 'ed25519', key: identity.toJSON() });
  return identity;
}

/** A PEM as dfx, icp-cli or `npm start` (deployer.pem) write it: "EC PRIVATE KEY" (secp256k1) or "PRIVATE KEY" (Ed25519, PKCS#8). */
export function importIdentity(name: string, pem: string): SignIdentity {
  const identity = identityFromPem(pem);
  if (identity instanceof Secp256k1KeyIdentity) save(name, { kind: 'secp256k1', pem });
  else save(name, { kind: 'ed25519', key: (identity as Ed25519KeyIdentity).toJSON() });
  return identity;
}

export function useIdentity(name: string): void {
  if (!existsSync(file(name))) throw new Error(`no identity named ${name} (identity list shows them)`);
  writeFileSync(currentFile(), name);
}

export function currentName(): string | undefined {
  return existsSync(currentFile()) ? readFileSync(currentFile(), 'utf8').trim() : undefined;
}

export function listIdentities(): string[] {
  return existsSync(dir())
    ? readdirSync(dir())
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5))
        .sort()
    : [];
}

export function loadIdentity(name = currentName()): SignIdentity {
  if (name === undefined) throw new Error('no identity yet: identity new <name> creates one');
  if (!existsSync(file(name))) throw new Error(`no identity named ${name}`);
  const stored = JSON.parse(readFileSync(file(name), 'utf8')) as Stored;
  return stored.kind === 'secp256k1' ? Secp256k1KeyIdentity.fromPem(stored.pem) : Ed25519KeyIdentity.fromParsedJson(stored.key as never);
}
