// Keys as PEM files, the form icp-cli, dfx and this project's command line exchange them in:
// Ed25519 as PKCS#8 ("BEGIN PRIVATE KEY", RFC 8410, the form `openssl genpkey -algorithm ed25519` writes) and
// secp256k1 as SEC1 ("BEGIN EC PRIVATE KEY", dfx's default identities).
import type { SignIdentity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';

import { ed25519SeedFromPem, type PemProblem } from '../shared/ed25519_pem.js';

// PKCS#8 v1 for Ed25519 up to the 32-byte seed: SEQUENCE { version 0, SEQUENCE { OID 1.3.101.112 },
// OCTET STRING { OCTET STRING (32) } }.
const ED25519_PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

/** The Ed25519 key as a PKCS#8 PEM (no public key inside, as OpenSSL writes it; every tool derives it). */
export function ed25519Pem(identity: Ed25519KeyIdentity): string {
  const seed = identity.getKeyPair().secretKey.slice(0, 32);
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, seed]);
  const lines = der.toString('base64').match(/.{1,64}/g)!;
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

/**
 * The identity a PEM holds: secp256k1 ("EC PRIVATE KEY") or Ed25519 PKCS#8 ("PRIVATE KEY"), v1 or v2 (with the
 * public key after the seed, as icp-cli exports and old dfx versions wrote).
 */
export function identityFromPem(pem: string): SignIdentity {
  if (pem.includes('BEGIN EC PRIVATE KEY')) return Secp256k1KeyIdentity.fromPem(pem);
  const read = ed25519SeedFromPem(pem);
  if ('problem' in read) throw new Error(PROBLEMS[read.problem]);
  return Ed25519KeyIdentity.fromSecretKey(read.seed);
}

const PROBLEMS: Record<PemProblem, string> = {
  not_pem: 'not a PEM private key (expected EC PRIVATE KEY or PRIVATE KEY)',
  bad_base64: 'the PEM key is not valid base64',
  not_ed25519: 'the PKCS#8 key is not Ed25519 (only Ed25519 and secp256k1 keys are supported)',
  no_seed: 'the PKCS#8 Ed25519 key has no 32-byte private key',
};
